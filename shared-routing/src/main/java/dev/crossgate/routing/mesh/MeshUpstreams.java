package dev.crossgate.routing.mesh;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.distribution.v1.Endpoint;
import dev.crossgate.policy.distribution.v1.ServiceEndpoints;
import dev.crossgate.routing.error.ErrorReason;
import dev.crossgate.routing.error.ProxyException;
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
import java.util.Set;
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
 * <p>A service at {@code strict} refuses plaintext, so its requests never take the direct path:
 * all go through the mesh, and when that cannot be (no certificate yet, no live endpoint) the
 * request is answered {@code 503 upstream_unavailable} saying why. The endpoint sets are the
 * snapshot's as they are: an engine that restarts keeps the endpoints it served until their
 * sidecars register again (its {@code MeshEndpointIndex}), so an empty set means no sidecar.
 *
 * <p>Used as the upstream client's backend router ({@link #apply}); thread-safe. The state
 * (services, certificate and the mesh backends built from them) is replaced as a whole when a
 * snapshot or a certificate arrives, so a request never sees a mix of two.
 */
public final class MeshUpstreams implements UnaryOperator<Backend> {

  /**
   * One mesh service as the snapshot says.
   *
   * @param weight the share of requests sent through the mesh, 0..100
   * @param endpoints its sidecars' inbound endpoints
   * @param directAllowed whether requests may take the plaintext direct path (not at
   *     {@code strict})
   */
  public record MeshService(int weight, List<UpstreamEndpoint> endpoints, boolean directAllowed) {

    public MeshService {
      if (weight < 0 || weight > 100) {
        throw new IllegalArgumentException("weight: " + weight + " (expected: 0..100)");
      }
      endpoints = List.copyOf(endpoints);
    }

    /** A service whose direct path is allowed. */
    public MeshService(int weight, List<UpstreamEndpoint> endpoints) {
      this(weight, endpoints, true);
    }

    private boolean usable() {
      return !endpoints.isEmpty();
    }
  }

  /** Everything a request reads, swapped as one. */
  private record State(Map<String, MeshService> services, WorkloadCertificate certificate,
      Map<String, Backend> built) {}

  private final MeterRegistry registry;
  /** By service: the mesh counter, then the direct one. */
  private final Map<String, Counter[]> counters = new ConcurrentHashMap<>();
  private volatile State state = new State(Map.of(), null, new ConcurrentHashMap<>());

  public MeshUpstreams(MeterRegistry registry) {
    this.registry = requireNonNull(registry, "registry");
  }

  /**
   * The mesh services of a snapshot: each migration's weight ({@code namespace/name} to 0..100,
   * only for services at {@code permissive} or later) with the service's live mesh endpoints;
   * none of them at {@code strict}.
   */
  public void services(Map<String, Integer> weights, List<ServiceEndpoints> meshEndpoints) {
    services(weights, Set.of(), meshEndpoints);
  }

  /**
   * The mesh services of a snapshot: each migration's weight ({@code namespace/name} to 0..100,
   * only for services at {@code permissive} or later), which of them are at {@code strict}, and
   * the services' live mesh endpoints.
   */
  public synchronized void services(Map<String, Integer> weights, Set<String> strict,
      List<ServiceEndpoints> meshEndpoints) {
    Map<String, List<UpstreamEndpoint>> live = new HashMap<>();
    for (ServiceEndpoints service : meshEndpoints) {
      live.put(service.getNamespace() + "/" + service.getService(),
          service.getEndpointsList().stream().map(MeshUpstreams::endpoint).toList());
    }
    State previous = state;
    Map<String, MeshService> next = new HashMap<>();
    weights.forEach((name, weight) -> next.put(name,
        new MeshService(weight, live.getOrDefault(name, List.of()), !strict.contains(name))));
    state = new State(Map.copyOf(next), previous.certificate(), new ConcurrentHashMap<>());
  }

  /** The gateway's certificate (each renewal and trust bundle change). */
  public synchronized void certificate(WorkloadCertificate current) {
    requireNonNull(current, "current");
    state = new State(state.services(), current, new ConcurrentHashMap<>());
  }

  /**
   * How {@code service}'s requests went so far and what the next would see, e.g.
   * {@code mesh 12, direct 10, certificate yes} (diagnostics).
   */
  public String describe(String service) {
    Counter[] paths = counters.get(service);
    return "mesh " + (paths == null ? 0 : (long) paths[0].count()) + ", direct "
        + (paths == null ? 0 : (long) paths[1].count()) + ", certificate "
        + (state.certificate() == null ? "no" : "yes");
  }

  /** The mesh services now, by {@code namespace/name}. */
  public Map<String, MeshService> services() {
    return state.services();
  }

  /**
   * The backend a request goes to: {@code direct}, or for {@code meshWeight}% of requests to a
   * mesh service (all of them at {@code strict}), its mesh twin (named
   * {@code <namespace>/<name>@mesh}).
   *
   * @throws ProxyException {@code upstream_unavailable} for a service at {@code strict} the mesh
   *     path cannot reach now
   */
  @Override
  public Backend apply(Backend direct) {
    if (direct == null) {
      return null;
    }
    State now = state;
    MeshService service = now.services().get(direct.name());
    if (service == null) {
      return direct; // not a mesh service: not counted either
    }
    Counter[] paths = counters.computeIfAbsent(direct.name(), this::counters);
    WorkloadCertificate held = now.certificate();
    boolean usable = service.usable();
    if (!service.directAllowed()) {
      if (held == null) {
        throw new ProxyException(ErrorReason.UPSTREAM_UNAVAILABLE, direct.name()
            + " is at stage strict (plaintext refused) and the gateway has no mesh certificate"
            + " yet");
      }
      if (!usable) {
        throw new ProxyException(ErrorReason.UPSTREAM_UNAVAILABLE, direct.name()
            + " is at stage strict (plaintext refused) and has no live mesh endpoint");
      }
    } else if (held == null || !usable
        || ThreadLocalRandom.current().nextInt(100) >= service.weight()) {
      paths[1].increment();
      return direct;
    }
    paths[0].increment();
    return now.built().computeIfAbsent(direct.name(), name -> meshBackend(direct, service, held));
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
