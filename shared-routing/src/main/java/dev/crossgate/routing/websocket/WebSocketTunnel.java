package dev.crossgate.routing.websocket;

import dev.crossgate.routing.metrics.ConnectionEvents;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketFrame;
import java.time.Duration;
import java.util.Objects;

/**
 * Joins a client WebSocket and a backend WebSocket: data frames (text, binary, continuation)
 * are copied unchanged both ways with back-pressure, a close from either side is repeated to
 * the other with its code and reason, and both legs are closed when no data frame has passed
 * for the idle timeout. Control frames (ping, pong) belong to each leg and are not copied.
 */
public final class WebSocketTunnel {

  /** The close code sent to both legs when the idle timeout fires (1001, going away). */
  public static final short IDLE_CLOSE_CODE = 1001;

  /** The close reason sent to both legs when the idle timeout fires. */
  public static final String IDLE_CLOSE_REASON = "idle timeout";

  private final Vertx vertx;
  private final WebSocketBase client;
  private final WebSocketBase backend;
  private final long idleNanos;
  private final Handler<Closed> onClosed;
  private final ConnectionEvents events;
  private long lastFrameNanos = System.nanoTime();
  private long timerId = -1;
  private boolean closed;

  /**
   * How a tunnel ended.
   *
   * @param initiator {@code client}, {@code backend} or {@code idle}
   * @param code the close code carried, or null when the connection dropped without one
   * @param reason the close reason carried, or null
   */
  public record Closed(String initiator, Short code, String reason) {}

  private WebSocketTunnel(Vertx vertx, WebSocketBase client, WebSocketBase backend,
      Duration idleTimeout, Handler<Closed> onClosed, ConnectionEvents events) {
    this.events = events;
    this.vertx = vertx;
    this.client = client;
    this.backend = backend;
    this.idleNanos = idleTimeout.toNanos();
    this.onClosed = onClosed;
  }

  /**
   * Starts relaying between the two legs. Call on the client's event loop.
   *
   * @param onClosed called once when the tunnel is closed, by either side or by the timeout
   */
  public static WebSocketTunnel join(Vertx vertx, WebSocketBase client, WebSocketBase backend,
      Duration idleTimeout, Handler<Closed> onClosed) {
    return join(vertx, client, backend, idleTimeout, onClosed, ConnectionEvents.NONE);
  }

  /**
   * Starts relaying between the two legs, reporting to {@code events}: opened now, the payload
   * bytes of data frames each way, and the close (initiator and code). Call on the client's
   * event loop.
   *
   * @param onClosed called once when the tunnel is closed, by either side or by the timeout
   */
  public static WebSocketTunnel join(Vertx vertx, WebSocketBase client, WebSocketBase backend,
      Duration idleTimeout, Handler<Closed> onClosed, ConnectionEvents events) {
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    WebSocketTunnel tunnel = new WebSocketTunnel(Objects.requireNonNull(vertx, "vertx"),
        Objects.requireNonNull(client, "client"), Objects.requireNonNull(backend, "backend"),
        idleTimeout, Objects.requireNonNull(onClosed, "onClosed"),
        Objects.requireNonNull(events, "events"));
    tunnel.start();
    return tunnel;
  }

  private void start() {
    events.opened();
    relay(client, backend, true);
    relay(backend, client, false);
    client.closeHandler(v -> closedBy("client", client, backend));
    backend.closeHandler(v -> closedBy("backend", backend, client));
    client.exceptionHandler(e -> closedBy("client", client, backend));
    backend.exceptionHandler(e -> closedBy("backend", backend, client));
    scheduleIdleCheck(idleNanos);
  }

  private void relay(WebSocketBase from, WebSocketBase to, boolean toBackend) {
    from.frameHandler(frame -> {
      if (!isData(frame) || closed) {
        return;
      }
      lastFrameNanos = System.nanoTime();
      int bytes = frame.binaryData().length();
      if (toBackend) {
        events.toBackend(bytes);
      } else {
        events.toClient(bytes);
      }
      to.writeFrame(frame);
      if (to.writeQueueFull()) {
        from.pause();
        to.drainHandler(v -> from.resume());
      }
    });
  }

  private static boolean isData(WebSocketFrame frame) {
    return frame.isText() || frame.isBinary() || frame.isContinuation();
  }

  private void closedBy(String initiator, WebSocketBase from, WebSocketBase to) {
    if (closed) {
      return;
    }
    closed = true;
    cancelTimer();
    Short code = from.closeStatusCode();
    String reason = from.closeReason();
    if (!to.isClosed()) {
      if (code == null || !sendable(code)) {
        to.close(code != null && code == 1006 ? (short) 1011 : (short) 1000,
            code != null && code == 1006 ? "peer connection lost" : null);
      } else {
        to.close(code, reason);
      }
    }
    events.closed(initiator, code == null ? "none" : code.toString());
    onClosed.handle(new Closed(initiator, code, reason));
  }

  /** Codes 1005, 1006 and 1015 are reported locally and must never be sent in a close frame. */
  private static boolean sendable(short code) {
    return code != 1005 && code != 1006 && code != 1015;
  }

  private void scheduleIdleCheck(long delayNanos) {
    timerId = vertx.setTimer(Math.max(1, delayNanos / 1_000_000), id -> {
      if (closed) {
        return;
      }
      long idle = System.nanoTime() - lastFrameNanos;
      if (idle >= idleNanos) {
        closed = true;
        client.close(IDLE_CLOSE_CODE, IDLE_CLOSE_REASON);
        backend.close(IDLE_CLOSE_CODE, IDLE_CLOSE_REASON);
        events.closed("idle", Short.toString(IDLE_CLOSE_CODE));
        onClosed.handle(new Closed("idle", IDLE_CLOSE_CODE, IDLE_CLOSE_REASON));
      } else {
        scheduleIdleCheck(idleNanos - idle);
      }
    });
  }

  private void cancelTimer() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
  }
}
