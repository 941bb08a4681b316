package dev.crossgate.routing.error;

/**
 * The gRPC status codes Crossgate sends when it fails a gRPC request itself, and the mapping from
 * a failure reason to one of them.
 */
public enum GrpcStatus {
  OK(0),
  CANCELLED(1),
  UNKNOWN(2),
  INVALID_ARGUMENT(3),
  DEADLINE_EXCEEDED(4),
  NOT_FOUND(5),
  PERMISSION_DENIED(7),
  RESOURCE_EXHAUSTED(8),
  UNIMPLEMENTED(12),
  INTERNAL(13),
  UNAVAILABLE(14),
  UNAUTHENTICATED(16);

  private final int code;

  GrpcStatus(int code) {
    this.code = code;
  }

  /** The numeric code sent in {@code grpc-status}. */
  public int code() {
    return code;
  }

  /**
   * The status for a reason code ({@link ErrorReason#code()}); keyed by the stable string so
   * reasons added later (authorization, rate limits, circuit breaking) map without an enum
   * dependency.
   */
  public static GrpcStatus forReason(String reasonCode) {
    return switch (reasonCode) {
      case "upstream_unavailable", "upstream_reset", "circuit_open" -> UNAVAILABLE;
      case "upstream_timeout" -> DEADLINE_EXCEEDED;
      case "route_not_found" -> UNIMPLEMENTED;
      case "authz_denied", "waf_blocked" -> PERMISSION_DENIED;
      case "authn_failed" -> UNAUTHENTICATED;
      case "rate_limited", "upstream_overflow" -> RESOURCE_EXHAUSTED;
      default -> INTERNAL;
    };
  }

  /** True when a request with this {@code content-type} is a gRPC call. */
  public static boolean isGrpc(String contentType) {
    return contentType != null && contentType.regionMatches(true, 0, "application/grpc", 0, 16);
  }

  /**
   * Percent-encodes a {@code grpc-message} value as the gRPC HTTP/2 protocol asks: UTF-8, with
   * every byte outside printable ASCII and {@code %} itself escaped.
   */
  public static String encodeMessage(String message) {
    if (message == null) {
      return "";
    }
    byte[] bytes = message.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length);
    for (byte b : bytes) {
      int c = b & 0xff;
      if (c >= 0x20 && c <= 0x7e && c != '%') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
