package dev.crossgate.routing.upstream;

import java.util.Locale;

/**
 * How Crossgate talks to a backend. HTTP/1.1 is the default; {@link #HTTP2} and {@link #GRPC}
 * use cleartext HTTP/2 with prior knowledge (h2c), one multiplexed connection per endpoint.
 */
public enum BackendProtocol {
  /** HTTP/1.1 over pooled keep-alive connections. */
  HTTP1,
  /** HTTP/2 over cleartext with prior knowledge (h2c). */
  HTTP2,
  /** gRPC: HTTP/2 (h2c) with trailers; failures are answered as gRPC statuses. */
  GRPC,
  /** Opaque bytes, for {@code TCPRoute}s; HTTP requests routed to it go out as HTTP/1.1. */
  TCP;

  /** True when requests go out over HTTP/2. */
  public boolean http2() {
    return this == HTTP2 || this == GRPC;
  }

  /**
   * Parses a protocol name as written in configuration: {@code HTTP}, {@code HTTP1},
   * {@code HTTP/1.1}, {@code HTTP2}, {@code H2C}, {@code GRPC}, {@code TCP} (any case); null means HTTP/1.1.
   *
   * @throws IllegalArgumentException for any other name
   */
  public static BackendProtocol parse(String name) {
    if (name == null) {
      return HTTP1;
    }
    return switch (name.trim().toUpperCase(Locale.ROOT)) {
      case "HTTP", "HTTP1", "HTTP/1.1", "HTTP11" -> HTTP1;
      case "HTTP2", "HTTP/2", "H2C", "H2" -> HTTP2;
      case "GRPC" -> GRPC;
      case "TCP" -> TCP;
      default -> throw new IllegalArgumentException("protocol: " + name
          + " (expected: one of HTTP, HTTP2, GRPC, TCP)");
    };
  }
}
