package dev.crossgate.sidecar.outbound;

import static java.util.Objects.requireNonNull;

import dev.crossgate.routing.lb.UpstreamEndpoint;
import dev.crossgate.routing.mesh.MeshTls;
import dev.crossgate.routing.mesh.PeerIdentity;
import dev.crossgate.routing.mesh.WorkloadCertificate;
import dev.crossgate.routing.metrics.ConnectionEvents;
import dev.crossgate.routing.tcp.TcpConnectionView;
import dev.crossgate.routing.tcp.TcpProxy;
import dev.crossgate.sidecar.proxy.MeshService;
import dev.crossgate.sidecar.proxy.MeshServices;
import dev.crossgate.sidecar.proxy.PathSelector;
import dev.crossgate.sidecar.proxy.TrafficPath;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound listeners of opaque TCP services: for every {@code Service} with
 * {@code protocol: TCP} and a {@code meshPort}, a {@link TcpProxy} on the sidecar's local address
 * and that port. Each connection takes a path from the service's {@code MeshMigration}
 * ({@link PathSelector}) and an endpoint from its balancer: a sidecar of the service over mutual
 * TLS 1.3 (its SPIFFE id checked in the handshake), or a static endpoint in plaintext. Listeners
 * follow the snapshots: a new TCP service gets one, a removed one's is closed; the sidecar's own
 * service gets none (its app is beside it).
 *
 * <p>A listener that cannot bind (the port taken, no permission) is reported, not hidden: a
 * warning with the port and the OS error, {@code crossgate_sidecar_outbound_tcp_bind_failures_total
 * {service,port}} per failed attempt, the gauge {@code crossgate_sidecar_outbound_tcp_unbound} of
 * listeners not bound now, and {@link #unbound()} (the sidecar's {@code /ready} says not ready
 * with it). The bind is tried again every {@link #RETRY} until it succeeds or the service goes.
 */
public final class MeshTcpListeners {

  private static final Logger LOG = LoggerFactory.getLogger(MeshTcpListeners.class);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration IDLE_TIMEOUT = Duration.ofHours(1);
  /** How often a listener that could not bind is tried again. */
  static final Duration RETRY = Duration.ofSeconds(2);

  private final Vertx vertx;
  private final String bindAddress;
  private final SidecarPaths paths;
  /** The sidecar's own service, which it does not call through itself. */
  private final String own;
  /** {@code namespace/name:port} to its running proxy. */
  private final Map<String, TcpProxy> running = new HashMap<>();
  /** {@code namespace/name:port} to why its listener is not bound, while it is not. */
  private final Map<String, String> unbound = new java.util.concurrent.ConcurrentSkipListMap<>();
  private final io.micrometer.core.instrument.MeterRegistry registry;
  private boolean retryScheduled;
  private volatile MeshServices services;
  private volatile WorkloadCertificate certificate;
  private boolean closed;
  /** The mesh TLS implementation of the listeners' clients; null: Vert.x's default. */
  private final io.vertx.core.net.SSLEngineOptions sslEngine;

  MeshTcpListeners(Vertx vertx, String bindAddress, String own, SidecarPaths paths,
      io.micrometer.core.instrument.MeterRegistry registry,
      io.vertx.core.net.SSLEngineOptions sslEngine) {
    this.sslEngine = sslEngine;
    this.registry = requireNonNull(registry, "registry");
    io.micrometer.core.instrument.Gauge.builder("crossgate_sidecar_outbound_tcp_unbound",
            unbound, Map::size)
        .description("Outbound TCP listeners (Service meshPort) that could not bind and are "
            + "being retried")
        .register(registry);
    this.own = requireNonNull(own, "own");
    this.vertx = requireNonNull(vertx, "vertx");
    this.bindAddress = requireNonNull(bindAddress, "bindAddress");
    this.paths = requireNonNull(paths, "paths");
  }

  /** Uses {@code certificate} for mesh connections opened from now on. */
  void certificate(WorkloadCertificate next) {
    certificate = next;
  }

  /** Opens the listeners the snapshot's TCP services need and closes the others. */
  synchronized void services(MeshServices next) {
    services = next;
    if (closed) {
      return;
    }
    Map<String, MeshService> wanted = new HashMap<>();
    next.services().forEach((name, service) -> {
      if (!name.equals(own) && service.spec() != null && "TCP".equals(service.spec().protocol())
          && service.spec().meshPort() != null) {
        wanted.put(name + ":" + service.spec().meshPort(), service);
      }
    });
    for (String key : new ArrayList<>(running.keySet())) {
      if (!wanted.containsKey(key)) {
        running.remove(key).close();
      }
    }
    unbound.keySet().removeIf(key -> !wanted.containsKey(key));
    wanted.forEach((key, service) -> {
      if (running.containsKey(key)) {
        return;
      }
      String name = service.namespace() + "/" + service.name();
      TcpProxy proxy = new TcpProxy(vertx, new TcpProxy.Settings(bindAddress,
          service.spec().meshPort(), CONNECT_TIMEOUT, IDLE_TIMEOUT), () -> pick(name),
          ConnectionEvents.NONE, (client, endpoint) -> connect(client, name, endpoint))
          .clientSslEngine(sslEngine);
      running.put(key, proxy);
      int port = service.spec().meshPort();
      proxy.start()
          .onSuccess(bound -> {
            unbound.remove(key);
            LOG.info("outbound TCP {} → {}", bindAddress + ":" + bound, name);
          })
          .onFailure(e -> bindFailed(key, proxy, name, port, e));
    });
  }

  /** Records a listener that could not bind, and tries it again after {@link #RETRY}. */
  private void bindFailed(String key, TcpProxy proxy, String name, int port, Throwable e) {
    String error = e.getMessage() == null ? e.toString() : e.getMessage();
    synchronized (this) {
      if (running.get(key) != proxy) {
        return; // the service went meanwhile
      }
      running.remove(key);
      unbound.put(key, "outbound TCP listener for " + name + " on " + bindAddress + ":" + port
          + " not bound (" + error + "); retrying every " + RETRY.toSeconds() + " s");
      if (!retryScheduled && !closed) {
        retryScheduled = true;
        vertx.setTimer(RETRY.toMillis(), id -> retry());
      }
    }
    proxy.close();
    io.micrometer.core.instrument.Counter.builder(
            "crossgate_sidecar_outbound_tcp_bind_failures")
        .description("Attempts to bind an outbound TCP listener (Service meshPort) that failed")
        .tag("service", name).tag("port", String.valueOf(port))
        .register(registry).increment();
    LOG.warn("outbound TCP listener for {} on {}:{} could not bind: {}; retrying every {} s",
        name, bindAddress, port, error, RETRY.toSeconds());
  }

  private void retry() {
    MeshServices current;
    synchronized (this) {
      retryScheduled = false;
      current = services;
    }
    if (current != null && !unbound.isEmpty()) {
      services(current);
    }
  }

  /** Why each listener that should be bound is not, e.g. the port and the OS error; sorted. */
  public java.util.List<String> unbound() {
    return List.copyOf(unbound.values());
  }

  private UpstreamEndpoint pick(String name) {
    MeshService service = service(name);
    if (service == null) {
      return null;
    }
    TrafficPath path = PathSelector.choose(service, ThreadLocalRandom.current().nextDouble())
        .orElse(null);
    if (path == null || (path == TrafficPath.MESH && certificate == null)) {
      return null;
    }
    paths.count(service, path);
    return service.balancer(path).pick(TcpConnectionView.INSTANCE);
  }

  private Future<NetSocket> connect(NetClient client, String name, UpstreamEndpoint endpoint) {
    MeshService service = service(name);
    WorkloadCertificate held = certificate;
    if (service == null || held == null || !service.mesh().endpoints().contains(endpoint)) {
      return TcpProxy.Connector.PLAIN.connect(client, endpoint); // the direct path
    }
    String expected = PeerIdentity.expected(PeerIdentity.trustDomainOf(held.spiffeId()),
        service.namespace(), service.name());
    return client.connect(new ConnectOptions().setHost(endpoint.address())
        .setPort(endpoint.port()).setSsl(true)
        .setSslOptions(MeshTls.client(held, expected, false)));
  }

  private MeshService service(String name) {
    MeshServices current = services;
    int slash = name.indexOf('/');
    return current == null ? null
        : current.service(name.substring(0, slash), name.substring(slash + 1));
  }

  /** Closes every listener. */
  synchronized Future<Void> close() {
    closed = true;
    List<Future<Void>> closing = new ArrayList<>();
    running.values().forEach(proxy -> closing.add(proxy.close()));
    running.clear();
    return Future.join(closing).mapEmpty();
  }
}
