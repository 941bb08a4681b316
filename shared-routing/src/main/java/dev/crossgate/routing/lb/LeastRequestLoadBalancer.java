package dev.crossgate.routing.lb;

import dev.crossgate.routing.route.RequestView;
import java.util.List;
import java.util.Objects;

/**
 * Prefers the endpoint with fewer requests in flight, choosing between two random endpoints
 * (power of two choices).
 */
public final class LeastRequestLoadBalancer implements LoadBalancer {

  private final List<UpstreamEndpoint> endpoints;

  private LeastRequestLoadBalancer(List<UpstreamEndpoint> endpoints) {
    this.endpoints = List.copyOf(Objects.requireNonNull(endpoints, "endpoints"));
  }

  public static LeastRequestLoadBalancer of(List<UpstreamEndpoint> endpoints) {
    return new LeastRequestLoadBalancer(endpoints);
  }

  @Override
  public UpstreamEndpoint pick(RequestView request) {
    return PowerOfTwoChoices.pick(endpoints, UpstreamEndpoint::activeRequests);
  }

  @Override
  public List<UpstreamEndpoint> endpoints() {
    return endpoints;
  }
}
