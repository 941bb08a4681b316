package dev.crossgate.routing.resilience;

import java.time.Duration;

/** What resilience components report: the metrics and log lines hang off this. */
public interface ResilienceEvents {

  /** Reports nothing. */
  ResilienceEvents NONE = new ResilienceEvents() {};

  /** An endpoint was ejected by outlier detection for {@code duration}. */
  default void ejected(String backend, String endpoint, Duration duration, String cause) {}

  /** An endpoint's active health-check verdict changed. */
  default void healthChanged(String backend, String endpoint, boolean healthy) {}

  /** A backend's circuit breaker changed state. */
  default void circuitState(String backend, CircuitBreaker.State state) {}

  /** A retry was made ({@code retried}) or refused by the budget ({@code budget_exhausted}). */
  default void retry(String backend, String result) {}
}
