package dev.crossgate.routing.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits and protocol switches of the HTTP listeners, shared by every listener of a process.
 *
 * @param maxHeaderSize the largest request head (all header lines) accepted, in bytes; larger
 *     ones are answered {@code 431 headers_too_large}
 * @param maxInitialLineLength the longest request line accepted, in bytes; longer ones are
 *     answered {@code 414 uri_too_long}
 * @param http2ClearText whether HTTP/2 over cleartext is accepted beside HTTP/1.1 on the same
 *     port, both with prior knowledge and through {@code Upgrade: h2c}
 * @param webSocketIdleTimeout how long a proxied WebSocket may carry no frame in either direction
 *     before both legs are closed
 */
public record ListenerSettings(int maxHeaderSize, int maxInitialLineLength,
    boolean http2ClearText, Duration webSocketIdleTimeout) {

  public ListenerSettings {
    if (maxHeaderSize < 1024) {
      throw new IllegalArgumentException("maxHeaderSize: " + maxHeaderSize
          + " (expected: >= 1024)");
    }
    if (maxInitialLineLength < 256) {
      throw new IllegalArgumentException("maxInitialLineLength: " + maxInitialLineLength
          + " (expected: >= 256)");
    }
    Objects.requireNonNull(webSocketIdleTimeout, "webSocketIdleTimeout");
    if (webSocketIdleTimeout.isNegative() || webSocketIdleTimeout.isZero()) {
      throw new IllegalArgumentException("webSocketIdleTimeout: " + webSocketIdleTimeout
          + " (expected: > 0)");
    }
  }

  /** Defaults: 32 KiB of headers, 16 KiB request line, h2c on, WebSocket idle 5 minutes. */
  public static ListenerSettings defaults() {
    return new ListenerSettings(32 * 1024, 16 * 1024, true, Duration.ofMinutes(5));
  }

  /** A copy with this request header limit. */
  public ListenerSettings withMaxHeaderSize(int bytes) {
    return new ListenerSettings(bytes, maxInitialLineLength, http2ClearText,
        webSocketIdleTimeout);
  }

  /** A copy with this WebSocket idle timeout. */
  public ListenerSettings withWebSocketIdleTimeout(Duration timeout) {
    return new ListenerSettings(maxHeaderSize, maxInitialLineLength, http2ClearText, timeout);
  }
}
