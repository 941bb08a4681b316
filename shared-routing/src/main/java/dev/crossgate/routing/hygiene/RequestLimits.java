package dev.crossgate.routing.hygiene;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits on what one client may send, beside the header-size and request-line limits of
 * {@link dev.crossgate.routing.config.ListenerSettings}.
 *
 * @param maxHeaderCount the most header fields a request may carry; more are answered
 *     {@code 431 headers_too_large}
 * @param maxBodySize the largest request body announced by {@code Content-Length}, in bytes;
 *     larger ones are answered {@code 413 payload_too_large} before any byte goes upstream
 * @param maxConnectionsPerAddress the most connections one client address may hold open at
 *     once; 0 for no limit. Connections over it are closed at once
 * @param headerReadTimeout how long a client may take to send a complete request head on an
 *     HTTP/1.x connection (from connect, or from the end of the previous response); a client
 *     that trickles its headers (slowloris) is disconnected when it runs out
 */
public record RequestLimits(int maxHeaderCount, long maxBodySize, int maxConnectionsPerAddress,
    Duration headerReadTimeout) {

  public RequestLimits {
    if (maxHeaderCount < 1) {
      throw new IllegalArgumentException("maxHeaderCount: " + maxHeaderCount
          + " (expected: > 0)");
    }
    if (maxBodySize < 0) {
      throw new IllegalArgumentException("maxBodySize: " + maxBodySize + " (expected: >= 0)");
    }
    if (maxConnectionsPerAddress < 0) {
      throw new IllegalArgumentException("maxConnectionsPerAddress: " + maxConnectionsPerAddress
          + " (expected: >= 0)");
    }
    Objects.requireNonNull(headerReadTimeout, "headerReadTimeout");
    if (headerReadTimeout.isNegative() || headerReadTimeout.isZero()) {
      throw new IllegalArgumentException("headerReadTimeout: " + headerReadTimeout
          + " (expected: > 0)");
    }
  }

  /**
   * Defaults: 100 header fields, 64 MiB bodies, 1024 connections per address, 30 s to send a
   * request head.
   */
  public static RequestLimits defaults() {
    return new RequestLimits(100, 64L * 1024 * 1024, 1024, Duration.ofSeconds(30));
  }
}
