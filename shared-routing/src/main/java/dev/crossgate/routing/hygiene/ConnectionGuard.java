package dev.crossgate.routing.hygiene;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards client connections of every listener of one process: at most
 * {@link RequestLimits#maxConnectionsPerAddress()} open connections per client address, and a
 * header-read deadline ({@link RequestLimits#headerReadTimeout()}) from connect, and on HTTP/1.x
 * from the end of each response, until the next request head is complete. A client that
 * trickles its headers (slowloris) is disconnected when the deadline passes. Thread-safe: every
 * event loop shares one guard.
 *
 * <p>Vert.x reports a cleartext connection that may upgrade to h2c only once its first request
 * head is complete, so on such listeners both guards start with the second request of a
 * connection; the first one is bounded by the client idle timeout and the header size limit.
 */
public final class ConnectionGuard {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

  private final Vertx vertx;
  private final RequestLimits limits;
  private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();
  private final Map<HttpConnection, Long> deadlines = new ConcurrentHashMap<>();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong timedOut = new AtomicLong();

  /** A guard with these limits, using {@code vertx} timers. */
  public ConnectionGuard(Vertx vertx, RequestLimits limits) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /**
   * A connection was accepted (call from the server's connection handler). Returns false, and
   * closes it, when its address already holds the most connections allowed; otherwise counts it
   * and starts its header-read deadline. Call {@link #closed} when it closes either way.
   */
  public boolean opened(HttpConnection connection) {
    String address = addressOf(connection);
    int count = perAddress.merge(address, 1, Integer::sum);
    if (limits.maxConnectionsPerAddress() > 0 && count > limits.maxConnectionsPerAddress()) {
      refused.incrementAndGet();
      LOG.debug("closing connection from {}: {} open (expected: at most {} per address)",
          address, count, limits.maxConnectionsPerAddress());
      connection.close();
      return false;
    }
    arm(connection);
    return true;
  }

  /** A connection closed: forget it. */
  public void closed(HttpConnection connection) {
    perAddress.computeIfPresent(addressOf(connection), (k, n) -> n <= 1 ? null : n - 1);
    disarm(connection);
  }

  /**
   * A complete request head arrived: its deadline is met. On HTTP/1.x the next deadline starts
   * when this response's body ends.
   */
  public void requestArrived(HttpServerRequest request) {
    HttpConnection connection = request.connection();
    disarm(connection);
    if (request.version() != HttpVersion.HTTP_2) {
      request.response().bodyEndHandler(v -> arm(connection));
    }
  }

  /** Connections closed because their address held too many. */
  public long refusedConnections() {
    return refused.get();
  }

  /** Connections closed because a request head did not arrive in time. */
  public long headerTimeouts() {
    return timedOut.get();
  }

  /** Open connections of {@code address}. */
  public int openConnections(String address) {
    return perAddress.getOrDefault(address, 0);
  }

  private void arm(HttpConnection connection) {
    long timer = vertx.setTimer(limits.headerReadTimeout().toMillis(), id -> {
      if (deadlines.remove(connection, id)) {
        timedOut.incrementAndGet();
        LOG.debug("closing connection from {}: no complete request head within {}",
            addressOf(connection), limits.headerReadTimeout());
        connection.close();
      }
    });
    Long previous = deadlines.put(connection, timer);
    if (previous != null) {
      vertx.cancelTimer(previous);
    }
  }

  private void disarm(HttpConnection connection) {
    Long timer = deadlines.remove(connection);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }

  private static String addressOf(HttpConnection connection) {
    return connection.remoteAddress() == null ? "unknown"
        : connection.remoteAddress().hostAddress();
  }
}
