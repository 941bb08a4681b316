package dev.crossgate.routing.upstream;

import dev.crossgate.routing.lb.LoadBalancer;
import dev.crossgate.routing.resilience.BackendResilience;
import dev.crossgate.routing.tls.UpstreamTls;
import java.util.Objects;

/**
 * A compiled {@code Service}: its qualified name, the balancer over its endpoints and the
 * protocol spoken to them.
 *
 * @param name {@code namespace/name}
 * @param loadBalancer the balancer over the service's endpoints
 * @param protocol how requests reach the endpoints
 * @param resilience health, ejection, circuit breaker, retry budget and pool of the backend
 * @param tls TLS toward the endpoints, or null for plaintext
 */
public record Backend(String name, LoadBalancer loadBalancer, BackendProtocol protocol,
    BackendResilience resilience, UpstreamTls tls) {
  public Backend {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(loadBalancer, "loadBalancer");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(resilience, "resilience");
  }

  /** A plaintext backend. */
  public Backend(String name, LoadBalancer loadBalancer, BackendProtocol protocol,
      BackendResilience resilience) {
    this(name, loadBalancer, protocol, resilience, null);
  }

  /** A backend without resilience settings. */
  public Backend(String name, LoadBalancer loadBalancer, BackendProtocol protocol) {
    this(name, loadBalancer, protocol, BackendResilience.none(name, loadBalancer));
  }

  /** An HTTP/1.1 backend. */
  public Backend(String name, LoadBalancer loadBalancer) {
    this(name, loadBalancer, BackendProtocol.HTTP1);
  }
}
