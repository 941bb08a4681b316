package dev.crossgate.sidecar.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The app health check's meters: {@code crossgate_sidecar_app_health{state}} (1 for the state
 * now, 0 for the others) and {@code crossgate_sidecar_app_health_probes_total{result}}.
 * Registered when a check first starts.
 */
final class AppHealthMetrics {

  private final Map<ProbeResult.Outcome, Counter> probes =
      new EnumMap<>(ProbeResult.Outcome.class);

  AppHealthMetrics(MeterRegistry registry, Supplier<AppHealthCheck.State> state) {
    for (AppHealthCheck.State each : AppHealthCheck.State.values()) {
      Gauge.builder("crossgate_sidecar_app_health", state, s -> s.get() == each ? 1 : 0)
          .description("The sidecar's active health check of its app: 1 for the state now")
          .tag("state", each.label())
          .strongReference(true) // the supplier is a lambda nothing else holds: weakly held,
          .register(registry);   // it was collected and the gauge read NaN
    }
    for (ProbeResult.Outcome outcome : ProbeResult.Outcome.values()) {
      probes.put(outcome, Counter.builder("crossgate_sidecar_app_health_probes")
          .description("Probes of the sidecar's app, by result")
          .tag("result", outcome.label())
          .register(registry));
    }
  }

  void probed(ProbeResult.Outcome outcome) {
    probes.get(outcome).increment();
  }
}
