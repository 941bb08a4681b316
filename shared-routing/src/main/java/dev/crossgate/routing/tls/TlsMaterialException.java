package dev.crossgate.routing.tls;

/**
 * Certificates or keys that cannot be used, with a message naming the file (or inline source)
 * and what was expected there.
 */
public final class TlsMaterialException extends Exception {

  private static final long serialVersionUID = 1L;

  /** A failure described by {@code message}. */
  public TlsMaterialException(String message) {
    super(message);
  }

  /** A failure described by {@code message}, caused by {@code cause}. */
  public TlsMaterialException(String message, Throwable cause) {
    super(message, cause);
  }
}
