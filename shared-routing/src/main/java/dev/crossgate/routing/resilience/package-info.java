/**
 * Resilience toward backends: endpoint health and ejection, the availability-aware picker,
 * circuit breakers, retry policies and budgets, active health checks, and their metrics.
 */
package dev.crossgate.routing.resilience;
