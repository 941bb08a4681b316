package dev.crossgate.routing.upstream;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The clients of backends with their own {@link ConnectionPoolSettings}: one client per distinct
 * settings and protocol, so a backend's pool limits and keep-alive apply to it alone. The wait
 * queue is bounded by {@code maxPendingRequests}; beyond it Vert.x fails at once and the request
 * is answered {@code upstream_overflow}. Also counts requests per HTTP/1.1 connection for
 * {@code maxRequestsPerConnection}.
 */
final class BackendPools {

  private record Key(ConnectionPoolSettings settings, boolean http2) {}

  private final Vertx vertx;
  private final UpstreamClient.Settings defaults;
  private final Map<Key, HttpClientAgent> clients = new ConcurrentHashMap<>();
  private final io.vertx.core.net.SSLEngineOptions sslEngine;
  private final Map<HttpConnection, AtomicInteger> uses = new ConcurrentHashMap<>();

  BackendPools(Vertx vertx, UpstreamClient.Settings defaults,
      io.vertx.core.net.SSLEngineOptions sslEngine) {
    this.sslEngine = sslEngine;
    this.vertx = vertx;
    this.defaults = defaults;
  }

  HttpClientAgent client(ConnectionPoolSettings settings, boolean http2) {
    return clients.computeIfAbsent(new Key(settings, http2), key -> {
      var options = UpstreamClient.baseOptions(defaults).setSslEngineOptions(sslEngine)
          .setConnectTimeout((int) settings.connectTimeout().toMillis())
          .setKeepAliveTimeout((int) Math.max(1, settings.keepAlive().toSeconds()));
      PoolOptions pool = new PoolOptions().setMaxWaitQueueSize(settings.maxPendingRequests());
      if (http2) {
        options.setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)
            .setUseAlpn(true);
        pool.setHttp2MaxSize(1);
      } else {
        pool.setHttp1MaxSize(settings.maxConnections());
      }
      return vertx.httpClientBuilder().with(options).with(pool).build();
    });
  }

  /**
   * Counts a request on its connection; the one that reaches {@code max} asks the backend to
   * close the connection after answering, so the pool opens a fresh one.
   */
  void countRequest(HttpClientRequest request, int max) {
    if (max <= 0) {
      return;
    }
    HttpConnection connection = request.connection();
    if (connection == null) {
      return;
    }
    AtomicInteger count = uses.computeIfAbsent(connection, c -> {
      c.closeHandler(v -> uses.remove(c));
      return new AtomicInteger();
    });
    if (count.incrementAndGet() >= max) {
      uses.remove(connection);
      request.putHeader("connection", "close");
    }
  }

  Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    clients.values().forEach(c -> closing.add(c.close()));
    return Future.join(closing).mapEmpty();
  }
}
