package dev.crossgate.routing.resilience;

import dev.crossgate.routing.error.ErrorReason;
import dev.crossgate.routing.error.ProxyException;
import dev.crossgate.routing.lb.LoadBalancer;
import dev.crossgate.routing.lb.UpstreamEndpoint;
import dev.crossgate.routing.route.RequestView;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Wraps any {@link LoadBalancer} so that ejected and unhealthy endpoints leave it, and so that a
 * retry can avoid endpoints already tried. The wrapped balancer still chooses; when its choice
 * is unavailable the next available endpoint in order is taken. When no endpoint is available:
 * if some are only ejected (or health checks fail open) the wrapped balancer's choice is used
 * anyway (panic mode), otherwise {@code upstream_unavailable} "no healthy endpoints".
 */
public final class AvailabilityLoadBalancer implements LoadBalancer {

  private final LoadBalancer delegate;
  private final Function<UpstreamEndpoint, EndpointHealth> health;
  private final boolean failOpen;
  private final AtomicInteger next = new AtomicInteger();

  AvailabilityLoadBalancer(LoadBalancer delegate,
      Function<UpstreamEndpoint, EndpointHealth> health, boolean failOpen) {
    this.delegate = delegate;
    this.health = health;
    this.failOpen = failOpen;
  }

  @Override
  public UpstreamEndpoint pick(RequestView request) {
    return pick(request, Set.of());
  }

  /**
   * The endpoint for this request, avoiding {@code tried} when another is available.
   *
   * @return null when the backend has no endpoints
   * @throws ProxyException {@code upstream_unavailable} when every endpoint is unhealthy and
   *     health checks fail closed
   */
  public UpstreamEndpoint pick(RequestView request, Set<UpstreamEndpoint> tried) {
    UpstreamEndpoint chosen = delegate.pick(request);
    if (chosen == null) {
      return null;
    }
    long now = System.nanoTime();
    if (usable(chosen, now, tried)) {
      return chosen;
    }
    List<UpstreamEndpoint> all = delegate.endpoints();
    int start = Math.floorMod(next.getAndIncrement(), all.size());
    for (int i = 0; i < all.size(); i++) {
      UpstreamEndpoint candidate = all.get((start + i) % all.size());
      if (usable(candidate, now, tried)) {
        return candidate;
      }
    }
    for (UpstreamEndpoint candidate : all) {
      if (usable(candidate, now, Set.of())) {
        return candidate; // only tried ones are left: retry on one of them
      }
    }
    boolean anyHealthy = all.stream().anyMatch(e -> {
      EndpointHealth state = health.apply(e);
      return state == null || state.healthy();
    });
    if (anyHealthy || failOpen) {
      return chosen; // ejections never empty a backend; failOpen ignores health checks
    }
    throw new ProxyException(ErrorReason.UPSTREAM_UNAVAILABLE, "no healthy endpoints");
  }

  private boolean usable(UpstreamEndpoint endpoint, long now, Set<UpstreamEndpoint> tried) {
    if (tried.contains(endpoint)) {
      return false;
    }
    EndpointHealth state = health.apply(endpoint);
    return state == null || (state.healthy() && !state.ejected(now));
  }

  @Override
  public List<UpstreamEndpoint> endpoints() {
    return delegate.endpoints();
  }

  /** The wrapped balancer. */
  public LoadBalancer delegate() {
    return delegate;
  }
}
