package dev.crossgate.routing.authn;

/**
 * Why a token was rejected. The message is the reason, sent in {@code error_description} and
 * logged; it never contains the token. No stack trace: a rejection is an expected outcome.
 */
public final class AuthnFailure extends Exception {

  private static final long serialVersionUID = 1L;

  /** A rejection with this reason. */
  public AuthnFailure(String reason) {
    super(reason, null, false, false);
  }

  /** The reason. */
  public String reason() {
    return getMessage();
  }
}
