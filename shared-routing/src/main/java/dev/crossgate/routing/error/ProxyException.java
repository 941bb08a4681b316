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
  private final Map<String, String> headers;

  /** A failure with a reason and a detail saying what exactly went wrong. */
  public ProxyException(ErrorReason reason, String detail) {
    this(reason, detail, Map.of());
  }

  /**
   * A failure whose response also carries these headers (e.g. {@code WWW-Authenticate} on a
   * 401).
   */
  public ProxyException(ErrorReason reason, String detail, Map<String, String> headers) {
    super(detail, null, false, false);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.headers = Map.copyOf(headers);
  }

  /** Extra headers for the error response; empty for most failures. */
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
