package dev.crossgate.routing.resilience;

import dev.crossgate.routing.config.RoutingConfig;
import dev.crossgate.routing.lb.UpstreamEndpoint;
import dev.crossgate.routing.upstream.Backend;
import dev.crossgate.routing.upstream.BackendProtocol;
import dev.crossgate.routing.upstream.UpstreamClient;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Active health checks: for every backend with a {@code healthCheck}, a periodic probe of each
 * endpoint on an event loop. HTTP, HTTP/2 and gRPC backends get a GET of the check's path through
 * the upstream client (a 2xx within the timeout is a success); {@code TCP} backends a TCP connect
 * (a connection within the timeout is a success, and is closed at once). {@link #apply} stops the previous configuration's timers and starts the new one's;
 * the verdicts live in {@link EndpointHealth} and survive the swap.
 */
public final class HealthChecks implements AutoCloseable {

  private final Vertx vertx;
  private final UpstreamClient client;
  private final List<Long> timers = new ArrayList<>();
  private NetClient tcpClient;
  private boolean closed;

  /** Health checks on this Vert.x instance through this client. */
  public HealthChecks(Vertx vertx, UpstreamClient client) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.client = Objects.requireNonNull(client, "client");
  }

  /** Replaces the running checks with those of {@code config}. */
  public synchronized void apply(RoutingConfig config) {
    cancelAll();
    if (closed) {
      return;
    }
    for (Backend backend : config.backends().values()) {
      BackendResilience resilience = backend.resilience();
      BackendResilience.HealthCheckSettings settings = resilience.healthCheck();
      if (settings == null) {
        continue;
      }
      for (UpstreamEndpoint endpoint : resilience.endpoints()) {
        probe(backend, endpoint, settings); // the first verdict comes without waiting
        timers.add(vertx.setPeriodic(settings.interval().toMillis(),
            id -> probe(backend, endpoint, settings)));
      }
    }
  }

  /** How many probe timers run; for tests. */
  public synchronized int timerCount() {
    return timers.size();
  }

  private void probe(Backend backend, UpstreamEndpoint endpoint,
      BackendResilience.HealthCheckSettings settings) {
    long timeout = Math.max(1, settings.timeout().toMillis());
    if (backend.protocol() == BackendProtocol.TCP) {
      tcpProbe(endpoint, timeout).onComplete(ar ->
          backend.resilience().onProbe(endpoint, ar.succeeded()));
      return;
    }
    client.open(endpoint, backend.protocol(), HttpMethod.GET, settings.path(),
            MultiMap.caseInsensitiveMultiMap().add("user-agent", "crossgate-health-check"),
            null, backend.resilience().pool(), backend.tls())
        .compose(request -> {
          request.idleTimeout(timeout);
          return request.send();
        })
        .compose(response -> response.body().map(body -> response.statusCode()))
        .timeout(timeout, java.util.concurrent.TimeUnit.MILLISECONDS)
        .onComplete(ar -> backend.resilience().onProbe(endpoint,
            ar.succeeded() && ar.result() >= 200 && ar.result() < 300));
  }

  private Future<Void> tcpProbe(UpstreamEndpoint endpoint, long timeoutMillis) {
    NetClient net;
    synchronized (this) {
      if (tcpClient == null) {
        tcpClient = vertx.createNetClient(new NetClientOptions());
      }
      net = tcpClient;
    }
    return net.connect(new ConnectOptions().setHost(endpoint.address()).setPort(endpoint.port())
            .setTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis)))
        .compose(NetSocket::close);
  }

  private void cancelAll() {
    timers.forEach(vertx::cancelTimer);
    timers.clear();
  }

  /** Stops every check. */
  @Override
  public synchronized void close() {
    closed = true;
    cancelAll();
    if (tcpClient != null) {
      tcpClient.close();
      tcpClient = null;
    }
  }
}
