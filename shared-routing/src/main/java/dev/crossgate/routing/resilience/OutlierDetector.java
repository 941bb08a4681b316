package dev.crossgate.routing.resilience;

import dev.crossgate.policy.model.Service;
import dev.crossgate.routing.lb.UpstreamEndpoint;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Passive outlier detection for one backend: consecutive 5xx responses or consecutive gateway
 * errors (connect failures, resets, timeouts, 502/503/504) eject an endpoint for
 * {@code baseEjectionTime × its ejection multiplier} (at most {@link Settings#maxEjection()}),
 * never more than {@code maxEjectionPercent} of the backend's endpoints at once (but at least one
 * when the percent is above 0). Each ejection raises the multiplier by one; every full
 * {@code interval} the endpoint then stays in the balancer lowers it by one, as Envoy's interval
 * sweep does, so an endpoint that recovered starts over at {@code baseEjectionTime}.
 */
public final class OutlierDetector {

  /**
   * Compiled settings.
   *
   * @param consecutive5xx 5xx responses in a row that eject
   * @param consecutiveGatewayErrors gateway errors in a row that eject
   * @param baseEjection the first ejection's length
   * @param maxEjectionPercent the largest share of endpoints ejected at once
   * @param interval the time an endpoint must stay in the balancer for its ejection multiplier
   *     to drop by one
   */
  public record Settings(int consecutive5xx, int consecutiveGatewayErrors,
      Duration baseEjection, int maxEjectionPercent, Duration interval) {

    /** The longest ejection when {@code baseEjectionTime} is shorter (Envoy's default). */
    public static final Duration MAX_EJECTION = Duration.ofMinutes(5);

    public Settings {
      Objects.requireNonNull(baseEjection, "baseEjection");
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("interval: " + interval + " (expected: > 0)");
      }
    }

    /** Settings from the model with its documented defaults (5, 5, 30 s, 10 %, 10 s). */
    public static Settings of(Service.OutlierDetection spec) {
      return new Settings(
          spec.consecutive5xx() == null ? 5 : spec.consecutive5xx(),
          spec.consecutiveGatewayErrors() == null ? 5 : spec.consecutiveGatewayErrors(),
          spec.baseEjectionTime() == null ? Duration.ofSeconds(30)
              : spec.baseEjectionTime().duration(),
          spec.maxEjectionPercent() == null ? 10 : spec.maxEjectionPercent(),
          spec.interval() == null || spec.interval().duration().isZero()
              ? Duration.ofSeconds(10) : spec.interval().duration());
    }

    /** The longest ejection: five minutes, or {@code baseEjection} when that is longer. */
    public Duration maxEjection() {
      return baseEjection.compareTo(MAX_EJECTION) > 0 ? baseEjection : MAX_EJECTION;
    }
  }

  private final String backend;
  private final Settings settings;
  private final java.util.List<UpstreamEndpoint> endpoints;
  private final Function<UpstreamEndpoint, EndpointHealth> health;
  private final BackendResilience owner;
  private final LongSupplier nanoClock;

  OutlierDetector(String backend, Settings settings, java.util.List<UpstreamEndpoint> endpoints,
      Function<UpstreamEndpoint, EndpointHealth> health, BackendResilience owner) {
    this(backend, settings, endpoints, health, owner, System::nanoTime);
  }

  /** A detector reading time from {@code nanoClock} (tests drive it by hand). */
  OutlierDetector(String backend, Settings settings, java.util.List<UpstreamEndpoint> endpoints,
      Function<UpstreamEndpoint, EndpointHealth> health, BackendResilience owner,
      LongSupplier nanoClock) {
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
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
    long now = nanoClock.getAsLong();
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
    long length = state.eject(now, settings.baseEjection().toNanos(),
        settings.maxEjection().toNanos(), settings.interval().toNanos());
    owner.events().ejected(backend, endpoint.key(), Duration.ofNanos(length), cause);
  }

  /**
   * The ejection multiplier of {@code endpoint} now (0 for a stranger): the next ejection lasts
   * {@code baseEjection × (multiplier + 1)}.
   */
  public int multiplier(UpstreamEndpoint endpoint) {
    EndpointHealth state = health.apply(endpoint);
    return state == null ? 0
        : state.multiplier(nanoClock.getAsLong(), settings.interval().toNanos());
  }

  /** How many endpoints are ejected now. */
  public int ejectedCount() {
    long now = nanoClock.getAsLong();
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
