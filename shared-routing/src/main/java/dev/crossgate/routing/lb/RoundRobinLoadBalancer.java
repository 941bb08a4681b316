package dev.crossgate.routing.lb;

import dev.crossgate.routing.route.RequestView;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/** Takes the endpoints in turn, with one shared atomic counter. */
public final class RoundRobinLoadBalancer implements LoadBalancer {

  private final List<UpstreamEndpoint> endpoints;
  private final AtomicInteger next = new AtomicInteger();

  private RoundRobinLoadBalancer(List<UpstreamEndpoint> endpoints) {
    this.endpoints = List.copyOf(Objects.requireNonNull(endpoints, "endpoints"));
  }

  public static RoundRobinLoadBalancer of(List<UpstreamEndpoint> endpoints) {
    return new RoundRobinLoadBalancer(endpoints);
  }

  @Override
  public UpstreamEndpoint pick(RequestView request) {
    int n = endpoints.size();
    if (n == 0) {
      return null;
    }
    return endpoints.get((next.getAndIncrement() & Integer.MAX_VALUE) % n);
  }

  @Override
  public List<UpstreamEndpoint> endpoints() {
    return endpoints;
  }
}
