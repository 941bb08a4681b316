package dev.crossgate.routing.config;

import dev.crossgate.routing.hygiene.RequestLimits;
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
 * @param clientIdleTimeout how long a client connection may stay silent (no request in
 *     flight, nothing read or written) before it is closed; zero for never
 * @param drainTimeout on shutdown, how long requests in flight may take to finish after the
 *     listeners stop accepting
 * @param requestLimits header count, body size, connections per address, header-read timeout
 */
public record ListenerSettings(int maxHeaderSize, int maxInitialLineLength,
    boolean http2ClearText, Duration webSocketIdleTimeout, Duration clientIdleTimeout,
    Duration drainTimeout, RequestLimits requestLimits) {

  public ListenerSettings {
    Objects.requireNonNull(requestLimits, "requestLimits");
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
    Objects.requireNonNull(clientIdleTimeout, "clientIdleTimeout");
    if (clientIdleTimeout.isNegative()) {
      throw new IllegalArgumentException("clientIdleTimeout: " + clientIdleTimeout
          + " (expected: >= 0)");
    }
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    if (drainTimeout.isNegative()) {
      throw new IllegalArgumentException("drainTimeout: " + drainTimeout + " (expected: >= 0)");
    }
  }

  /** The default client idle timeout: 5 minutes. */
  public static final Duration DEFAULT_CLIENT_IDLE_TIMEOUT = Duration.ofMinutes(5);

  /** The default drain deadline on shutdown: 10 s. */
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);

  /** Settings with the default {@link RequestLimits}. */
  public ListenerSettings(int maxHeaderSize, int maxInitialLineLength, boolean http2ClearText,
      Duration webSocketIdleTimeout, Duration clientIdleTimeout, Duration drainTimeout) {
    this(maxHeaderSize, maxInitialLineLength, http2ClearText, webSocketIdleTimeout,
        clientIdleTimeout, drainTimeout, RequestLimits.defaults());
  }

  /** A copy with these request limits. */
  public ListenerSettings withRequestLimits(RequestLimits limits) {
    return new ListenerSettings(maxHeaderSize, maxInitialLineLength, http2ClearText,
        webSocketIdleTimeout, clientIdleTimeout, drainTimeout, limits);
  }

  /** Settings with the default client idle timeout and drain deadline. */
  public ListenerSettings(int maxHeaderSize, int maxInitialLineLength, boolean http2ClearText,
      Duration webSocketIdleTimeout) {
    this(maxHeaderSize, maxInitialLineLength, http2ClearText, webSocketIdleTimeout,
        DEFAULT_CLIENT_IDLE_TIMEOUT, DEFAULT_DRAIN_TIMEOUT);
  }

  /**
   * Defaults: 32 KiB of headers, 16 KiB request line, h2c on, WebSocket idle 5 minutes, client
   * idle 5 minutes, drain 10 s.
   */
  public static ListenerSettings defaults() {
    return new ListenerSettings(32 * 1024, 16 * 1024, true, Duration.ofMinutes(5));
  }

  /** A copy with this request header limit. */
  public ListenerSettings withMaxHeaderSize(int bytes) {
    return new ListenerSettings(bytes, maxInitialLineLength, http2ClearText,
        webSocketIdleTimeout, clientIdleTimeout, drainTimeout, requestLimits);
  }

  /** A copy with this WebSocket idle timeout. */
  public ListenerSettings withWebSocketIdleTimeout(Duration timeout) {
    return new ListenerSettings(maxHeaderSize, maxInitialLineLength, http2ClearText, timeout,
        clientIdleTimeout, drainTimeout, requestLimits);
  }

  /** A copy with this client connection idle timeout (zero for never). */
  public ListenerSettings withClientIdleTimeout(Duration timeout) {
    return new ListenerSettings(maxHeaderSize, maxInitialLineLength, http2ClearText,
        webSocketIdleTimeout, timeout, drainTimeout, requestLimits);
  }

  /** A copy with this drain deadline. */
  public ListenerSettings withDrainTimeout(Duration timeout) {
    return new ListenerSettings(maxHeaderSize, maxInitialLineLength, http2ClearText,
        webSocketIdleTimeout, clientIdleTimeout, timeout, requestLimits);
  }
}
