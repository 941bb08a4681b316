package dev.crossgate.sidecar.outbound;

import static java.util.Objects.requireNonNull;

import dev.crossgate.routing.lb.LoadBalancer;
import dev.crossgate.routing.lb.LoadBalancers;
import dev.crossgate.routing.lb.UpstreamEndpoint;
import dev.crossgate.routing.mesh.MeshTls;
import dev.crossgate.routing.mesh.PeerIdentity;
import dev.crossgate.routing.mesh.WorkloadCertificate;
import dev.crossgate.routing.resilience.BackendResilience;
import dev.crossgate.routing.resilience.ResilienceEvents;
import dev.crossgate.routing.tls.UpstreamTls;
import dev.crossgate.routing.upstream.Backend;
import dev.crossgate.routing.upstream.BackendProtocol;
import dev.crossgate.sidecar.proxy.MeshService;
import dev.crossgate.sidecar.proxy.MeshServices;
import dev.crossgate.sidecar.proxy.PathSelector;
import dev.crossgate.sidecar.proxy.TrafficPath;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;

/**
 * The backend router of the outbound port: for each request to a Service the routing core chose,
 * {@link PathSelector} picks the mesh or the direct path from the Service's
 * {@code MeshMigration}. Direct is the compiled backend itself (the static endpoints, plaintext);
 * mesh is its twin {@code <namespace>/<name>@mesh}: the Service's live sidecars, TLS 1.3 with
 * this sidecar's certificate, the peer's SPIFFE id checked in the handshake, h2 offered by ALPN,
 * the Service's balancer (Peak-EWMA by default), outlier detection, circuit breaker and retry
 * budget. Counts each request in {@code crossgate_sidecar_outbound_requests_total{service,path}}.
 *
 * <p>Thread-safe; mesh backends are built once per snapshot and certificate, and keep their
 * endpoints' health (ejections) across rebuilds while the endpoint stays.
 */
public final class SidecarPaths implements UnaryOperator<Backend> {

  private final MeterRegistry registry;
  private final ResilienceEvents events;
  /** Per path, per service ({@code namespace/name}): no key is built per request. */
  private final Map<TrafficPath, Map<String, Counter>> counters = new EnumMap<>(Map.of(
      TrafficPath.MESH, new ConcurrentHashMap<>(), TrafficPath.DIRECT, new ConcurrentHashMap<>()));
  private volatile MeshServices services;
  private volatile WorkloadCertificate certificate;
  /** The mesh twins of this generation, by their direct backend's name ({@code ns/name}). */
  private volatile Map<String, Backend> built = new ConcurrentHashMap<>();
  /** The empty backends (no usable path) of this generation, by the direct backend's name. */
  private volatile Map<String, Backend> builtEmpty = new ConcurrentHashMap<>();
  /** The mesh twins of the previous generation, whose live state carries over. */
  private volatile Map<String, Backend> previous = Map.of();

  /** A router counting on {@code registry} and reporting ejections and retries to {@code events}. */
  public SidecarPaths(MeterRegistry registry, ResilienceEvents events) {
    this.registry = requireNonNull(registry, "registry");
    this.events = requireNonNull(events, "events");
  }

  /** The services of a new snapshot. */
  public synchronized void services(MeshServices next) {
    services = requireNonNull(next, "next");
    rebuild();
  }

  /** The workload certificate (each renewal and trust bundle change). */
  public synchronized void certificate(WorkloadCertificate next) {
    certificate = requireNonNull(next, "next");
    rebuild();
  }

  private void rebuild() {
    // The last built twin of each service still in the snapshot: its endpoints' health carries.
    Map<String, Backend> carried = new HashMap<>(previous);
    carried.putAll(built);
    MeshServices current = services;
    carried.keySet().removeIf(name -> current == null || !current.services().containsKey(name));
    previous = Map.copyOf(carried);
    built = new ConcurrentHashMap<>();
    builtEmpty = new ConcurrentHashMap<>();
  }

  @Override
  public Backend apply(Backend direct) {
    MeshServices current = services;
    int slash = direct.name().indexOf('/');
    MeshService service = current == null || slash < 0 ? null : current.service(direct.name());
    if (service == null) {
      return direct;
    }
    TrafficPath path = PathSelector.choose(service, ThreadLocalRandom.current().nextDouble())
        .orElse(null);
    if (path == null) {
      // No endpoint on any path the migration stage allows: an empty backend answers
      // upstream_unavailable, and the direct path is never used behind a strict stage's back.
      return builtEmpty.computeIfAbsent(direct.name(), name -> empty(name + "@none", direct));
    }
    count(service, direct.name(), path);
    if (path == TrafficPath.DIRECT) {
      return direct;
    }
    WorkloadCertificate held = certificate;
    if (held == null) {
      return builtEmpty.computeIfAbsent(direct.name(), name -> empty(name + "@none", direct));
    }
    return built.computeIfAbsent(direct.name(), name -> mesh(name, direct, service, held));
  }

  private Backend mesh(String directName, Backend direct, MeshService service,
      WorkloadCertificate held) {
    Backend old = previous.get(directName);
    String name = directName + "@mesh";
    Map<String, UpstreamEndpoint> known = new HashMap<>();
    if (old != null) {
      old.loadBalancer().endpoints().forEach(e -> known.put(e.key(), e));
    }
    List<UpstreamEndpoint> endpoints = service.mesh().endpoints().stream()
        .map(e -> known.getOrDefault(e.key(), e)).toList();
    LoadBalancer balancer = LoadBalancers.create(service.spec() == null
        || service.spec().loadBalancer() == null ? OutboundBundle.PEAK_EWMA
        : service.spec().loadBalancer(), endpoints);
    BackendResilience resilience = BackendResilience.of(name, balancer, service.spec(),
        old == null ? null : old.resilience());
    resilience.events(events);
    String expected = PeerIdentity.expected(PeerIdentity.trustDomainOf(held.spiffeId()),
        service.namespace(), service.name());
    // HTTP/1.1 services too: the hop between sidecars negotiates h2 by ALPN.
    BackendProtocol protocol = direct.protocol() == BackendProtocol.GRPC ? BackendProtocol.GRPC
        : BackendProtocol.HTTP2;
    return new Backend(name, balancer, protocol, resilience,
        new UpstreamTls(MeshTls.client(held, expected, true), null));
  }

  private static Backend empty(String name, Backend direct) {
    LoadBalancer none = LoadBalancers.create(OutboundBundle.PEAK_EWMA, List.of());
    return new Backend(name, none, direct.protocol(), BackendResilience.none(name, none));
  }

  /** Counts one request or connection to {@code service} on {@code path}. */
  void count(MeshService service, TrafficPath path) {
    count(service, service.namespace() + "/" + service.name(), path);
  }

  private void count(MeshService service, String key, TrafficPath path) {
    Map<String, Counter> byService = counters.get(path);
    Counter counter = byService.get(key);
    if (counter == null) {
      counter = byService.computeIfAbsent(key, k -> Counter.builder(
              "crossgate_sidecar_outbound_requests")
          .description("Requests the app sent through this sidecar, by target service and path "
              + "(mesh: mTLS to its sidecars; direct: plaintext to its static endpoints)")
          .tag("service", k)
          .tag("path", path.label())
          .register(registry));
    }
    counter.increment();
  }
}
