package dev.crossgate.routing.mesh;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.distribution.v1.Endpoint;
import dev.crossgate.policy.distribution.v1.ServiceEndpoints;
import dev.crossgate.routing.lb.LoadBalancer;
import dev.crossgate.routing.lb.LoadBalancers;
import dev.crossgate.routing.lb.UpstreamEndpoint;
import dev.crossgate.routing.resilience.BackendResilience;
import dev.crossgate.routing.tls.UpstreamTls;
import dev.crossgate.routing.upstream.Backend;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.net.ClientSSLOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;

/**
 * The gateway's mesh path: for a Service in the mesh (a {@code MeshMigration} at
 * {@code permissive} or later, and live mesh endpoints in the snapshot), {@code meshWeight}% of
 * requests go over TLS 1.3 with the gateway's workload certificate to the service's sidecars,
 * which must present the service's SPIFFE id; the rest go to the static endpoints in plaintext,
 * as before the migration. Counts each request by path in
 * {@code crossgate_gateway_mesh_path_requests_total{service,path}}.
 *
 * <p>Used as the upstream client's backend router ({@link #apply}); thread-safe. The state is
 * replaced as a whole when a snapshot or a certificate arrives.
 */
public final class MeshUpstreams implements UnaryOperator<Backend> {

  /**
   * One mesh service as the snapshot says.
   *
   * @param weight the share of requests sent through the mesh, 0..100
   * @param endpoints its sidecars' inbound endpoints
   */
  public record MeshService(int weight, List<UpstreamEndpoint> endpoints) {

    public MeshService {
      if (weight < 0 || weight > 100) {
        throw new IllegalArgumentException("weight: " + weight + " (expected: 0..100)");
      }
      endpoints = List.copyOf(endpoints);
    }
  }

  private final MeterRegistry registry;
  /** By service: the mesh counter, then the direct one. */
  private final Map<String, Counter[]> counters = new ConcurrentHashMap<>();
  private volatile Map<String, MeshService> services = Map.of();
  private volatile WorkloadCertificate certificate;
  /** Mesh backends built from the current services and certificate, by direct backend name. */
  private volatile Map<String, Backend> built = new ConcurrentHashMap<>();

  public MeshUpstreams(MeterRegistry registry) {
    this.registry = requireNonNull(registry, "registry");
  }

  /**
   * The mesh services of a snapshot: each migration's weight ({@code namespace/name} to 0..100,
   * only for services at {@code permissive} or later) with the service's live mesh endpoints.
   */
  public void services(Map<String, Integer> weights, List<ServiceEndpoints> meshEndpoints) {
    Map<String, MeshService> next = new HashMap<>();
    for (ServiceEndpoints service : meshEndpoints) {
      String name = service.getNamespace() + "/" + service.getService();
      Integer weight = weights.get(name);
      if (weight == null) {
        continue;
      }
      List<UpstreamEndpoint> endpoints = service.getEndpointsList().stream()
          .map(MeshUpstreams::endpoint).toList();
      next.put(name, new MeshService(weight, endpoints));
    }
    services = Map.copyOf(next);
    built = new ConcurrentHashMap<>();
  }

  /** The gateway's certificate (each renewal and trust bundle change). */
  public void certificate(WorkloadCertificate current) {
    certificate = requireNonNull(current, "current");
    built = new ConcurrentHashMap<>();
  }

  /** The mesh services now, by {@code namespace/name}. */
  public Map<String, MeshService> services() {
    return services;
  }

  /**
   * The backend a request goes to: {@code direct}, or for {@code meshWeight}% of requests to a
   * mesh service, its mesh twin (named {@code <namespace>/<name>@mesh}).
   */
  @Override
  public Backend apply(Backend direct) {
    if (direct == null) {
      return null;
    }
    MeshService service = services.get(direct.name());
    if (service == null) {
      return direct; // not a mesh service: not counted either
    }
    Counter[] paths = counters.computeIfAbsent(direct.name(), this::counters);
    WorkloadCertificate held = certificate;
    if (held == null || service.endpoints().isEmpty()
        || ThreadLocalRandom.current().nextInt(100) >= service.weight()) {
      paths[1].increment();
      return direct;
    }
    paths[0].increment();
    Map<String, Backend> cache = built;
    return cache.computeIfAbsent(direct.name(), name -> meshBackend(direct, service, held));
  }

  private static Backend meshBackend(Backend direct, MeshService service,
      WorkloadCertificate held) {
    String name = direct.name();
    int slash = name.indexOf('/');
    String expected = PeerIdentity.expected(PeerIdentity.trustDomainOf(held.spiffeId()),
        name.substring(0, slash), name.substring(slash + 1));
    ClientSSLOptions tls = MeshTls.client(held, expected, direct.protocol().http2());
    // Peak-EWMA, as the sidecar uses toward mesh peers.
    LoadBalancer balancer = LoadBalancers.create(
        new dev.crossgate.policy.model.Service.LoadBalancer("PeakEwma", null), service.endpoints());
    String meshName = name + "@mesh";
    return new Backend(meshName, balancer, direct.protocol(),
        BackendResilience.none(meshName, balancer), new UpstreamTls(tls, null));
  }

  private Counter[] counters(String service) {
    return new Counter[] {counter(service, "mesh"), counter(service, "direct")};
  }

  private Counter counter(String service, String path) {
    return Counter.builder("crossgate_gateway_mesh_path_requests_total")
        .description("Requests to services in the mesh, by path: mesh (mTLS to their sidecars) "
            + "or direct (plaintext to their static endpoints)")
        .tag("service", service).tag("path", path).register(registry);
  }

  private static UpstreamEndpoint endpoint(Endpoint endpoint) {
    return UpstreamEndpoint.of(endpoint.getAddress(), endpoint.getPort());
  }
}
