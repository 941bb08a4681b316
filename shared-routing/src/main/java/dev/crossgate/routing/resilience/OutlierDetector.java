package dev.crossgate.routing.resilience;

import dev.crossgate.policy.model.Service;
import dev.crossgate.routing.lb.UpstreamEndpoint;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * Passive outlier detection for one backend: consecutive 5xx responses or consecutive gateway
 * errors (connect failures, resets, timeouts, 502/503/504) eject an endpoint for
 * {@code baseEjectionTime × its ejection count}, never more than {@code maxEjectionPercent} of the
 * backend's endpoints at once (but at least one when the percent is above 0).
 */
public final class OutlierDetector {

  /**
   * Compiled settings.
   *
   * @param consecutive5xx 5xx responses in a row that eject
   * @param consecutiveGatewayErrors gateway errors in a row that eject
   * @param baseEjection the first ejection's length
   * @param maxEjectionPercent the largest share of endpoints ejected at once
   */
  public record Settings(int consecutive5xx, int consecutiveGatewayErrors,
      Duration baseEjection, int maxEjectionPercent) {

    /** Settings from the model with its documented defaults (5, 5, 30 s, 10 %). */
    public static Settings of(Service.OutlierDetection spec) {
      return new Settings(
          spec.consecutive5xx() == null ? 5 : spec.consecutive5xx(),
          spec.consecutiveGatewayErrors() == null ? 5 : spec.consecutiveGatewayErrors(),
          spec.baseEjectionTime() == null ? Duration.ofSeconds(30)
              : spec.baseEjectionTime().duration(),
          spec.maxEjectionPercent() == null ? 10 : spec.maxEjectionPercent());
    }
  }

  private final String backend;
  private final Settings settings;
  private final java.util.List<UpstreamEndpoint> endpoints;
  private final Function<UpstreamEndpoint, EndpointHealth> health;
  private final BackendResilience owner;

  OutlierDetector(String backend, Settings settings, java.util.List<UpstreamEndpoint> endpoints,
      Function<UpstreamEndpoint, EndpointHealth> health, BackendResilience owner) {
    this.backend = backend;
    this.settings = Objects.requireNonNull(settings, "settings");
    this.endpoints = endpoints;
    this.health = health;
    this.owner = owner;
  }

  /** The settings. */
  public Settings settings() {
    return settings;
  }

  /** Records a response head from {@code endpoint}. */
  public void onResponse(UpstreamEndpoint endpoint, int status) {
    EndpointHealth state = health.apply(endpoint);
    if (state == null) {
      return;
    }
    if (status >= 500) {
      int fives = state.consecutive5xx.incrementAndGet();
      boolean gateway = status == 502 || status == 503 || status == 504;
      int gatewayErrors = gateway ? state.consecutiveGatewayErrors.incrementAndGet() : 0;
      if (!gateway) {
        state.consecutiveGatewayErrors.set(0);
      }
      if (fives >= settings.consecutive5xx()) {
        maybeEject(endpoint, state, fives + " consecutive 5xx responses");
      } else if (gateway && gatewayErrors >= settings.consecutiveGatewayErrors()) {
        maybeEject(endpoint, state, gatewayErrors + " consecutive gateway errors");
      }
    } else {
      state.consecutive5xx.set(0);
      state.consecutiveGatewayErrors.set(0);
    }
  }

  /** Records a connect failure, reset or timeout toward {@code endpoint}. */
  public void onGatewayError(UpstreamEndpoint endpoint) {
    EndpointHealth state = health.apply(endpoint);
    if (state == null) {
      return;
    }
    int errors = state.consecutiveGatewayErrors.incrementAndGet();
    if (errors >= settings.consecutiveGatewayErrors()) {
      maybeEject(endpoint, state, errors + " consecutive gateway errors");
    }
  }

  private synchronized void maybeEject(UpstreamEndpoint endpoint, EndpointHealth state,
      String cause) {
    long now = System.nanoTime();
    if (state.ejected(now)) {
      return;
    }
    int ejectedNow = 0;
    for (UpstreamEndpoint e : endpoints) {
      EndpointHealth other = health.apply(e);
      if (other != null && other.ejected(now)) {
        ejectedNow++;
      }
    }
    int allowed = settings.maxEjectionPercent() == 0 ? 0
        : Math.max(1, endpoints.size() * settings.maxEjectionPercent() / 100);
    if (ejectedNow >= allowed) {
      return;
    }
    Duration length = settings.baseEjection().multipliedBy(state.ejections() + 1L);
    state.eject(now + length.toNanos());
    owner.events().ejected(backend, endpoint.key(), length, cause);
  }

  /** How many endpoints are ejected now. */
  public int ejectedCount() {
    long now = System.nanoTime();
    int count = 0;
    for (UpstreamEndpoint e : endpoints) {
      EndpointHealth state = health.apply(e);
      if (state != null && state.ejected(now)) {
        count++;
      }
    }
    return count;
  }
}
