package dev.crossgate.waf.seclang;

/** A configuration error, naming the file, the line and what was expected. */
public final class SecLangException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an error located at {@code source:line}. */
  public SecLangException(String source, int line, String message) {
    super(source + ":" + line + ": " + message);
  }

  /** Creates an error located at {@code source:line} with a cause. */
  public SecLangException(String source, int line, String message, Throwable cause) {
    super(source + ":" + line + ": " + message, cause);
  }
}
