package dev.crossgate.routing.upstream;

import dev.crossgate.routing.lb.LoadBalancer;
import java.util.Objects;

/**
 * A compiled {@code Service}: its qualified name and the balancer over its endpoints.
 *
 * @param name {@code namespace/name}
 * @param loadBalancer the balancer over the service's endpoints
 */
public record Backend(String name, LoadBalancer loadBalancer) {
  public Backend {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(loadBalancer, "loadBalancer");
  }
}
