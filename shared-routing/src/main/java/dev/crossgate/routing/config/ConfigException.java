package dev.crossgate.routing.config;

/** A configuration that cannot be served, with a message saying exactly why. */
public final class ConfigException extends Exception {

  private static final long serialVersionUID = 1L;

  /** A configuration failure with a precise message. */
  public ConfigException(String message) {
    super(message);
  }
}
