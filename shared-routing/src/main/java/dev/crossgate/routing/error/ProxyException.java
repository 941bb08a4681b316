package dev.crossgate.routing.error;

import java.util.Map;
import java.util.Objects;

/**
 * A failure with a reason, raised anywhere on the request path and turned into a response by
 * {@link ErrorResponder}. It carries no stack trace: it is an expected outcome, not a bug.
 */
public final class ProxyException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final ErrorReason reason;
  private final String decidedBy;
  private final Map<String, String> headers;

  /** A failure with a reason and a detail saying what exactly went wrong. */
  public ProxyException(ErrorReason reason, String detail) {
    this(reason, detail, null, Map.of());
  }

  /**
   * A failure whose response also carries these headers (e.g. {@code WWW-Authenticate} on a
   * 401).
   */
  public ProxyException(ErrorReason reason, String detail, Map<String, String> headers) {
    this(reason, detail, null, headers);
  }

  /**
   * A failure decided by a named policy, with extra response headers (for instance
   * {@code Retry-After} on a {@code 429}).
   *
   * @param decidedBy the policy or limit that decided, shown as {@code decidedBy}; may be null
   * @param headers headers to send with the error response
   */
  public ProxyException(ErrorReason reason, String detail, String decidedBy,
      Map<String, String> headers) {
    super(detail, null, false, false);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.decidedBy = decidedBy;
    this.headers = Map.copyOf(headers);
  }

  /** The policy or limit that decided, or null when the route decides. */
  public String decidedBy() {
    return decidedBy;
  }

  /** Extra headers for the error response, empty when none. */
  public Map<String, String> headers() {
    return headers;
  }

  /** Why the request failed. */
  public ErrorReason reason() {
    return reason;
  }

  /** The detail for the problem document. */
  public String detail() {
    return getMessage();
  }
}
