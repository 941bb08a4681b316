package dev.crossgate.sidecar.proxy;

import dev.crossgate.policy.codec.LoadResult;
import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.distribution.v1.Snapshot;
import dev.crossgate.policy.model.Service;
import dev.crossgate.routing.lb.LoadBalancer;
import dev.crossgate.routing.lb.LoadBalancers;
import dev.crossgate.routing.lb.UpstreamEndpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The services a sidecar can call, from its snapshot: per {@code namespace/name}, a load balancer
 * over the service's endpoints (its sidecars' inbound ports). Peak-EWMA unless the Service says
 * otherwise. Immutable; a new snapshot makes a new one.
 *
 * @param revision the snapshot's revision
 * @param hash the snapshot's hash
 * @param services {@code namespace/name} to the service's balancer
 */
public record MeshServices(long revision, String hash, Map<String, LoadBalancer> services) {

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
    Map<String, LoadBalancer> services = new TreeMap<>();
    for (Service service : result.bundle().ofKind(Service.class)) {
      List<UpstreamEndpoint> endpoints = new ArrayList<>();
      for (Service.Endpoint endpoint : service.spec().endpoints()) {
        endpoints.add(UpstreamEndpoint.of(endpoint.address(), endpoint.port()));
      }
      Service.LoadBalancer spec = service.spec().loadBalancer() == null
          ? PEAK_EWMA : service.spec().loadBalancer();
      services.put(service.metadata().namespace() + "/" + service.metadata().name(),
          LoadBalancers.create(spec, endpoints));
    }
    return new MeshServices(snapshot.getRevision(), snapshot.getHash(), services);
  }

  /** The balancer of {@code namespace/name}, or null. */
  public LoadBalancer service(String namespace, String name) {
    return services.get(namespace + "/" + name);
  }
}
