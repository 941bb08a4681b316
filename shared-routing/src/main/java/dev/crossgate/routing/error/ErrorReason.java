package dev.crossgate.routing.error;

/**
 * Why Crossgate answered a request itself. The {@link #code()} is sent in the
 * {@code x-crossgate-error} header and in access-log lines; it is stable API.
 */
public enum ErrorReason {
  BAD_REQUEST("bad_request", 400, "Bad request"),
  AMBIGUOUS_FRAMING("ambiguous_framing", 400,
      "The request's framing is ambiguous or malformed (a request smuggling pattern)"),
  URI_TOO_LONG("uri_too_long", 414, "The request URI is too long"),
  HEADERS_TOO_LARGE("headers_too_large", 431, "The request headers are too large"),
  PAYLOAD_TOO_LARGE("payload_too_large", 413, "The request body is too large"),
  RATE_LIMITED("rate_limited", 429, "Too many requests"),
  AUTHN_FAILED("authn_failed", 401, "The request's credentials were rejected"),
  AUTHZ_DENIED("authz_denied", 403, "An authorization policy denies this request"),
  WAF_BLOCKED("waf_blocked", 403, "The web application firewall refused this request"),
  ROUTE_NOT_FOUND("route_not_found", 404, "No route matches this request"),
  UPSTREAM_UNAVAILABLE("upstream_unavailable", 503, "The backend is unavailable"),
  UPSTREAM_OVERFLOW("upstream_overflow", 503,
      "The backend's connection pool and its wait queue are full"),
  CIRCUIT_OPEN("circuit_open", 503, "The backend's circuit breaker is open"),
  UPSTREAM_TIMEOUT("upstream_timeout", 504, "The backend did not answer in time"),
  UPSTREAM_RESET("upstream_reset", 502, "The backend closed the connection before answering"),
  UPSTREAM_PROTOCOL_ERROR("upstream_protocol_error", 502,
      "The backend's response broke the protocol or a configured limit"),
  MTLS_REQUIRED("mtls_required", 403, "This mesh port accepts mutual TLS only (STRICT)"),
  PEER_IDENTITY_MISMATCH("peer_identity_mismatch", 502,
      "The upstream's mesh identity is not the expected service's"),
  INTERNAL("internal_error", 500, "Internal error in the proxy");

  private final String code;
  private final int status;
  private final String title;

  ErrorReason(String code, int status, String title) {
    this.code = code;
    this.status = status;
    this.title = title;
  }

  /** The stable snake_case code, e.g. {@code route_not_found}. */
  public String code() {
    return code;
  }

  /** The HTTP status sent for this reason. */
  public int status() {
    return status;
  }

  /** A short human title for the problem document. */
  public String title() {
    return title;
  }
}
