package dev.crossgate.routing.resilience;

import dev.crossgate.policy.model.Service;
import dev.crossgate.routing.lb.LoadBalancer;
import dev.crossgate.routing.lb.UpstreamEndpoint;
import dev.crossgate.routing.upstream.ConnectionPoolSettings;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything that protects one backend and the requests sent to it: the health of each endpoint,
 * the availability-aware picker, outlier detection, the circuit breaker, the retry budget, the
 * active health-check settings and the connection pool. Live state (endpoint health, breaker,
 * budget) is carried over a config reload when the settings it depends on did not change.
 */
public final class BackendResilience {

  /**
   * Active health-check settings.
   *
   * @param path the path probed with GET; 2xx is healthy
   * @param interval the time between probes
   * @param timeout how long one probe may take
   * @param healthyThreshold consecutive successes that bring an endpoint back
   * @param unhealthyThreshold consecutive failures that take it out
   * @param failOpen when every endpoint is unhealthy, use them all anyway
   */
  public record HealthCheckSettings(String path, Duration interval, Duration timeout,
      int healthyThreshold, int unhealthyThreshold, boolean failOpen) {

    /** Settings from the model with its documented defaults. */
    public static HealthCheckSettings of(Service.HealthCheck spec) {
      return new HealthCheckSettings(spec.path() == null ? "/" : spec.path(),
          spec.interval() == null ? Duration.ofSeconds(10) : spec.interval().duration(),
          spec.timeout() == null ? Duration.ofSeconds(1) : spec.timeout().duration(),
          spec.healthyThreshold() == null ? 2 : spec.healthyThreshold(),
          spec.unhealthyThreshold() == null ? 3 : spec.unhealthyThreshold(),
          spec.failOpen() == null || spec.failOpen());
    }
  }

  private final String backend;
  private final List<UpstreamEndpoint> endpoints;
  private final Map<UpstreamEndpoint, EndpointHealth> health;
  private final AvailabilityLoadBalancer balancer;
  private final OutlierDetector outliers;
  private final CircuitBreaker circuit;
  private final RetryBudget retryBudget;
  private final HealthCheckSettings healthCheck;
  private final ConnectionPoolSettings pool;
  private volatile ResilienceEvents events = ResilienceEvents.NONE;

  private BackendResilience(String backend, LoadBalancer loadBalancer, Service.Spec spec,
      BackendResilience previous) {
    this.backend = Objects.requireNonNull(backend, "backend");
    this.endpoints = loadBalancer.endpoints();
    this.health = new IdentityHashMap<>();
    for (UpstreamEndpoint endpoint : endpoints) {
      EndpointHealth old = previous == null ? null : previous.health.get(endpoint);
      health.put(endpoint, old == null ? new EndpointHealth() : old);
    }
    this.healthCheck = spec == null || spec.healthCheck() == null ? null
        : HealthCheckSettings.of(spec.healthCheck());
    this.balancer = new AvailabilityLoadBalancer(loadBalancer, health::get,
        healthCheck == null || healthCheck.failOpen());
    OutlierDetector.Settings outlierSettings = spec == null || spec.outlierDetection() == null
        ? null : OutlierDetector.Settings.of(spec.outlierDetection());
    this.outliers = outlierSettings == null ? null
        : new OutlierDetector(backend, outlierSettings, endpoints, health::get, this);
    CircuitBreaker.Settings circuitSettings = spec == null || spec.circuitBreaker() == null
        ? null : CircuitBreaker.Settings.of(spec.circuitBreaker());
    this.circuit = circuitSettings == null ? null
        : previous != null && previous.circuit != null
            && previous.circuit.settings().equals(circuitSettings) ? previous.circuit
            : new CircuitBreaker(backend, circuitSettings, this);
    RetryBudget.Settings budgetSettings = RetryBudget.Settings.of(
        spec == null ? null : spec.retryBudget());
    this.retryBudget = previous != null
        && previous.retryBudget.settings().equals(budgetSettings) ? previous.retryBudget
        : new RetryBudget(budgetSettings);
    this.pool = spec == null ? null : ConnectionPoolSettings.of(spec);
    if (previous != null) {
      this.events = previous.events;
    }
  }

  /**
   * Compiles a backend's resilience.
   *
   * @param spec the Service spec, or null for no resilience settings
   * @param previous the same backend in the configuration being replaced, or null
   */
  public static BackendResilience of(String backend, LoadBalancer loadBalancer,
      Service.Spec spec, BackendResilience previous) {
    return new BackendResilience(backend, loadBalancer, spec, previous);
  }

  /** No resilience settings: every endpoint is always available. */
  public static BackendResilience none(String backend, LoadBalancer loadBalancer) {
    return new BackendResilience(backend, loadBalancer, null, null);
  }

  /** The backend's {@code namespace/name}. */
  public String backend() {
    return backend;
  }

  /** The picker that skips ejected and unhealthy endpoints. */
  public AvailabilityLoadBalancer balancer() {
    return balancer;
  }

  /** The health of one of this backend's endpoints, or null for a stranger. */
  public EndpointHealth health(UpstreamEndpoint endpoint) {
    return health.get(endpoint);
  }

  /** The endpoints. */
  public List<UpstreamEndpoint> endpoints() {
    return endpoints;
  }

  /** The active health-check settings, or null for none. */
  public HealthCheckSettings healthCheck() {
    return healthCheck;
  }

  /** The outlier detector, or null for none. */
  public OutlierDetector outliers() {
    return outliers;
  }

  /** The circuit breaker, or null for none. */
  public CircuitBreaker circuit() {
    return circuit;
  }

  /** The retry budget. */
  public RetryBudget retryBudget() {
    return retryBudget;
  }

  /** The connection pool settings, or null for the process-wide upstream settings. */
  public ConnectionPoolSettings pool() {
    return pool;
  }

  /** Where this backend's events go. */
  public ResilienceEvents events() {
    return events;
  }

  /** Sends this backend's events to {@code sink} (the metrics, once the config is applied). */
  public void events(ResilienceEvents sink) {
    this.events = Objects.requireNonNull(sink, "sink");
  }

  /** Records a response head from {@code endpoint}: outlier detection and the breaker. */
  public void onResponse(UpstreamEndpoint endpoint, int status) {
    if (outliers != null) {
      outliers.onResponse(endpoint, status);
    }
    if (circuit != null) {
      circuit.record(status < 500);
    }
  }

  /** Records a connect failure, reset or timeout toward {@code endpoint}. */
  public void onGatewayError(UpstreamEndpoint endpoint) {
    if (outliers != null) {
      outliers.onGatewayError(endpoint);
    }
    if (circuit != null) {
      circuit.record(false);
    }
  }

  /** Records an active health-check probe result. */
  void onProbe(UpstreamEndpoint endpoint, boolean success) {
    EndpointHealth state = health.get(endpoint);
    if (state != null && healthCheck != null && state.probe(success,
        healthCheck.healthyThreshold(), healthCheck.unhealthyThreshold())) {
      events.healthChanged(backend, endpoint.key(), state.healthy());
    }
  }
}
