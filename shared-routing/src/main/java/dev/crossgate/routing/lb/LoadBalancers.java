package dev.crossgate.routing.lb;

import dev.crossgate.policy.model.Service;
import java.util.List;
import java.util.Objects;

/** Creates the {@link LoadBalancer} a {@code Service}'s {@code loadBalancer} spec asks for. */
public final class LoadBalancers {

  private LoadBalancers() {}

  /**
   * The balancer for a spec: {@code RoundRobin} (also when the spec or its type is null),
   * {@code LeastRequest}, {@code PeakEwma} or {@code ConsistentHash}.
   *
   * @throws IllegalArgumentException for an unknown type or an invalid consistent-hash key
   */
  public static LoadBalancer create(Service.LoadBalancer spec, List<UpstreamEndpoint> endpoints) {
    Objects.requireNonNull(endpoints, "endpoints");
    String type = spec == null || spec.type() == null ? "RoundRobin" : spec.type();
    switch (type) {
      case "RoundRobin":
        return RoundRobinLoadBalancer.of(endpoints);
      case "LeastRequest":
        return LeastRequestLoadBalancer.of(endpoints);
      case "PeakEwma":
        return PeakEwmaLoadBalancer.of(endpoints);
      case "ConsistentHash":
        if (spec.consistentHash() == null) {
          throw new IllegalArgumentException(
              "loadBalancer.consistentHash: null (expected: header, cookie or sourceAddress)");
        }
        return ConsistentHashLoadBalancer.of(spec.consistentHash(), endpoints);
      default:
        throw new IllegalArgumentException(
            "loadBalancer.type: "
                + type
                + " (expected: RoundRobin, LeastRequest, PeakEwma or ConsistentHash)");
    }
  }
}
