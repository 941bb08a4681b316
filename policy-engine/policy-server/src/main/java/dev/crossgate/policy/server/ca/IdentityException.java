package dev.crossgate.policy.server.ca;

import static java.util.Objects.requireNonNull;

/**
 * A refused identity request: a bad CSR or a credential that does not prove who the caller is.
 * The message says what was wrong and what was expected; it never holds key material or a token.
 */
public final class IdentityException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Why the request was refused. */
  public enum Reason {
    /** The CSR is not a PEM/DER PKCS#10 request. */
    MALFORMED_CSR(false),
    /** The CSR's signature does not verify with its own public key. */
    BAD_CSR_SIGNATURE(false),
    /** The CSR's key is of an algorithm or size the CA does not certify. */
    UNSUPPORTED_KEY(false),
    /** The CSR asks for a name other than the identity the credential proves. */
    SAN_MISMATCH(false),
    /** No credential, or one that is not a join token / token of a known shape. */
    MALFORMED_CREDENTIAL(true),
    /** A credential the engine does not know, or whose secret does not match. */
    UNKNOWN_CREDENTIAL(true),
    /** A credential past its expiry. */
    EXPIRED_CREDENTIAL(true);

    private final boolean authentication;

    Reason(boolean authentication) {
      this.authentication = authentication;
    }

    /** Whether the caller failed to prove who it is (as opposed to asking for something bad). */
    public boolean authentication() {
      return authentication;
    }
  }

  private final Reason reason;

  public IdentityException(Reason reason, String message) {
    super(requireNonNull(message, "message"));
    this.reason = requireNonNull(reason, "reason");
  }

  /** Why the request was refused. */
  public Reason reason() {
    return reason;
  }
}
