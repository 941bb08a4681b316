package dev.crossgate.routing.resilience;

import dev.crossgate.routing.config.RoutingConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts and logs what the resilience components do: retries, ejections, health verdicts and
 * circuit breaker states. Every degraded mode logs a warning and counts a metric.
 */
public final class ResilienceMetrics implements ResilienceEvents {

  private static final Logger LOG = LoggerFactory.getLogger(ResilienceMetrics.class);

  private final MeterRegistry registry;
  private final MultiGauge healthy;
  private final MultiGauge ejected;
  private final MultiGauge circuitOpen;

  /** Meters registered on {@code registry}. */
  public ResilienceMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.healthy = MultiGauge.builder("crossgate_endpoint_healthy")
        .description("1 when the endpoint passes active health checks (or has none)")
        .register(registry);
    this.ejected = MultiGauge.builder("crossgate_outlier_ejected_endpoints")
        .description("Endpoints ejected by outlier detection now, per backend")
        .register(registry);
    this.circuitOpen = MultiGauge.builder("crossgate_circuit_state")
        .description("Circuit breaker state per backend: 0 closed, 1 open, 2 half-open")
        .register(registry);
  }

  /** Points the gauges at a newly applied configuration and routes its events here. */
  public void configApplied(RoutingConfig config) {
    List<MultiGauge.Row<?>> healthRows = new ArrayList<>();
    List<MultiGauge.Row<?>> ejectedRows = new ArrayList<>();
    List<MultiGauge.Row<?>> circuitRows = new ArrayList<>();
    config.backends().forEach((name, backend) -> {
      BackendResilience resilience = backend.resilience();
      resilience.events(this);
      resilience.endpoints().forEach(e -> healthRows.add(MultiGauge.Row.of(
          Tags.of("backend", name, "endpoint", e.key()), resilience.health(e),
          h -> h.healthy() ? 1 : 0)));
      if (resilience.outliers() != null) {
        ejectedRows.add(MultiGauge.Row.of(Tags.of("backend", name), resilience.outliers(),
            OutlierDetector::ejectedCount));
      }
      if (resilience.circuit() != null) {
        circuitRows.add(MultiGauge.Row.of(Tags.of("backend", name), resilience.circuit(),
            c -> c.state().ordinal()));
      }
    });
    healthy.register(healthRows, true);
    ejected.register(ejectedRows, true);
    circuitOpen.register(circuitRows, true);
  }

  @Override
  public void ejected(String backend, String endpoint, Duration duration, String cause) {
    LOG.warn("outlier detection ejected {} of backend {} for {} ms: {}", endpoint, backend,
        duration.toMillis(), cause);
    Counter.builder("crossgate_outlier_ejections")
        .description("Endpoints ejected by outlier detection")
        .tags("backend", backend, "endpoint", endpoint).register(registry).increment();
  }

  @Override
  public void healthChanged(String backend, String endpoint, boolean isHealthy) {
    if (isHealthy) {
      LOG.info("health check: {} of backend {} is healthy again", endpoint, backend);
    } else {
      LOG.warn("health check: {} of backend {} is unhealthy; it leaves the balancer", endpoint,
          backend);
    }
    Counter.builder("crossgate_health_transitions")
        .description("Active health-check verdict changes")
        .tags("backend", backend, "endpoint", endpoint, "healthy", String.valueOf(isHealthy))
        .register(registry).increment();
  }

  @Override
  public void circuitState(String backend, CircuitBreaker.State state) {
    if (state == CircuitBreaker.State.OPEN) {
      LOG.warn("circuit breaker of backend {} opened", backend);
    } else {
      LOG.info("circuit breaker of backend {} is {}", backend, state);
    }
    Counter.builder("crossgate_circuit_transitions")
        .description("Circuit breaker state changes, by the state entered")
        .tags("backend", backend, "state", state.name().toLowerCase(java.util.Locale.ROOT))
        .register(registry).increment();
  }

  @Override
  public void retry(String backend, String result) {
    if ("budget_exhausted".equals(result)) {
      LOG.debug("retry budget of backend {} exhausted", backend);
    }
    Counter.builder("crossgate_retries")
        .description("Retries by backend and result (retried, budget_exhausted)")
        .tags("backend", backend, "result", result).register(registry).increment();
  }

  /** Counts a request refused by an open circuit. */
  public void circuitRejected(String backend) {
    Counter.builder("crossgate_circuit_rejected")
        .description("Requests refused because the backend's circuit is open")
        .tags("backend", backend).register(registry).increment();
  }
}
