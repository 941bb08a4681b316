package dev.crossgate.sidecar.proxy;

import dev.crossgate.policy.codec.LoadResult;
import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.distribution.v1.Endpoint;
import dev.crossgate.policy.distribution.v1.ServiceEndpoints;
import dev.crossgate.policy.distribution.v1.Snapshot;
import dev.crossgate.policy.model.MeshMigration;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.Service;
import dev.crossgate.routing.lb.LoadBalancers;
import dev.crossgate.routing.lb.UpstreamEndpoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The services a sidecar can call, from its snapshot: per {@code namespace/name}, a
 * {@link MeshService} with a balancer over its static endpoints (direct path), one over the
 * snapshot's {@code mesh_endpoints} for it (its sidecars' inbound ports: mesh path), and its
 * {@code MeshMigration}. Peak-EWMA unless the Service says otherwise. Immutable; a new snapshot
 * makes a new one.
 *
 * @param revision the snapshot's revision
 * @param hash the snapshot's hash
 * @param services {@code namespace/name} to the service
 * @param bundle the snapshot's validated resources (the routes the outbound port compiles)
 */
public record MeshServices(long revision, String hash, Map<String, MeshService> services,
    PolicyBundle bundle) {

  /** The default balancer of mesh services. */
  static final Service.LoadBalancer PEAK_EWMA = new Service.LoadBalancer("PeakEwma", null);

  public MeshServices {
    services = Map.copyOf(services);
  }

  /**
   * Validates and compiles a snapshot.
   *
   * @throws IllegalArgumentException with every problem when the snapshot does not validate
   */
  public static MeshServices of(Snapshot snapshot) {
    LoadResult result = PolicyLoader.loadString("snapshot revision " + snapshot.getRevision() + ".json",
        snapshot.getResourcesJson());
    if (!result.ok()) {
      StringBuilder message = new StringBuilder("snapshot revision " + snapshot.getRevision() + " is invalid:");
      result.problems().forEach(p -> message.append("\n  ").append(p));
      throw new IllegalArgumentException(message.toString());
    }
    Map<String, List<UpstreamEndpoint>> meshEndpoints = new HashMap<>();
    for (ServiceEndpoints service : snapshot.getMeshEndpointsList()) {
      List<UpstreamEndpoint> endpoints = new ArrayList<>();
      for (Endpoint endpoint : service.getEndpointsList()) {
        if (endpoint.getAddress().isBlank() || endpoint.getPort() < 1 || endpoint.getPort() > 65535) {
          throw new IllegalArgumentException("snapshot revision " + snapshot.getRevision()
              + ": mesh_endpoints of " + service.getNamespace() + "/" + service.getService()
              + ": " + endpoint.getAddress() + ":" + endpoint.getPort()
              + " (expected: an address and a port 1..65535)");
        }
        endpoints.add(UpstreamEndpoint.of(endpoint.getAddress(), endpoint.getPort()));
      }
      meshEndpoints.put(service.getNamespace() + "/" + service.getService(), endpoints);
    }
    Map<String, MeshMigration> migrations = new HashMap<>();
    for (MeshMigration migration : result.bundle().ofKind(MeshMigration.class)) {
      if (migration.spec() != null && migration.spec().service() != null) {
        migrations.put(migration.serviceNamespace() + "/" + migration.spec().service().name(),
            migration);
      }
    }
    Map<String, MeshService> services = new TreeMap<>();
    for (Service service : result.bundle().ofKind(Service.class)) {
      String key = service.metadata().namespace() + "/" + service.metadata().name();
      List<UpstreamEndpoint> endpoints = new ArrayList<>();
      for (Service.Endpoint endpoint : service.spec().endpoints()) {
        endpoints.add(UpstreamEndpoint.of(endpoint.address(), endpoint.port()));
      }
      Service.LoadBalancer spec = service.spec().loadBalancer() == null
          ? PEAK_EWMA : service.spec().loadBalancer();
      services.put(key, new MeshService(service.metadata().namespace(),
          service.metadata().name(), LoadBalancers.create(spec, endpoints),
          LoadBalancers.create(spec, meshEndpoints.getOrDefault(key, List.of())),
          migrations.get(key), service.spec()));
    }
    return new MeshServices(snapshot.getRevision(), snapshot.getHash(), services,
        result.bundle());
  }

  /** The service {@code namespace/name}, or null. */
  public MeshService service(String namespace, String name) {
    return services.get(namespace + "/" + name);
  }

  /** The service whose key is {@code namespaceSlashName} ({@code namespace/name}), or null. */
  public MeshService service(String namespaceSlashName) {
    return services.get(namespaceSlashName);
  }
}
