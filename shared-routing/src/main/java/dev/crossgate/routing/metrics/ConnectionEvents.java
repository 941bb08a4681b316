package dev.crossgate.routing.metrics;

/**
 * What a long-lived proxied connection (an opaque TCP connection or a WebSocket tunnel) reports:
 * opened, bytes each way, how it closed. Implementations are thread-safe; {@link #NONE} ignores
 * everything.
 */
public interface ConnectionEvents {

  /** Reports nothing. */
  ConnectionEvents NONE = new ConnectionEvents() {};

  /** A client connection was accepted (TCP) or a tunnel established (WebSocket). */
  default void opened() {}

  /** {@code bytes} were relayed from the client toward the backend. */
  default void toBackend(long bytes) {}

  /** {@code bytes} were relayed from the backend toward the client. */
  default void toClient(long bytes) {}

  /**
   * The connection ended.
   *
   * @param initiator who ended it: {@code client}, {@code backend}, {@code idle} or
   *     {@code connect_failed} (no backend could be reached)
   * @param code the WebSocket close code, or {@code none} (TCP, or a dropped connection)
   */
  default void closed(String initiator, String code) {}
}
