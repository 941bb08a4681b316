package dev.crossgate.routing.upstream;

import dev.crossgate.routing.lb.LoadBalancer;
import java.util.Objects;

/**
 * A compiled {@code Service}: its qualified name, the balancer over its endpoints and the
 * protocol spoken to them.
 *
 * @param name {@code namespace/name}
 * @param loadBalancer the balancer over the service's endpoints
 * @param protocol how requests reach the endpoints
 */
public record Backend(String name, LoadBalancer loadBalancer, BackendProtocol protocol) {
  public Backend {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(loadBalancer, "loadBalancer");
    Objects.requireNonNull(protocol, "protocol");
  }

  /** An HTTP/1.1 backend. */
  public Backend(String name, LoadBalancer loadBalancer) {
    this(name, loadBalancer, BackendProtocol.HTTP1);
  }
}
