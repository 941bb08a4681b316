package dev.crossgate.routing.upstream;

/** Frame and message size limits applied on both legs of a proxied WebSocket. */
public final class WebSocketLimits {

  /** The largest single frame accepted: 1 MiB. */
  public static final int MAX_FRAME_SIZE = 1024 * 1024;

  /** The largest reassembled message accepted: 16 MiB. */
  public static final int MAX_MESSAGE_SIZE = 16 * 1024 * 1024;

  private WebSocketLimits() {}
}
