package dev.crossgate.routing.waf;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * WAF meters: requests inspected and blocked per policy, rule matches per rule id, and the time
 * spent in the engine.
 */
public final class WafMetrics {

  private final MeterRegistry registry;
  private final Timer engineTime;
  private final Map<String, Counter> inspected = new ConcurrentHashMap<>();
  private final Map<String, Counter> blocked = new ConcurrentHashMap<>();
  private final Map<Long, Counter> matches = new ConcurrentHashMap<>();

  /** Meters registered on {@code registry}. */
  public WafMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.engineTime = Timer.builder("crossgate_waf_engine_seconds")
        .description("Time spent evaluating WAF rules per request").register(registry);
  }

  /** Meters in a private registry, for compilers without a metrics endpoint. */
  public static WafMetrics unregistered() {
    return new WafMetrics(new SimpleMeterRegistry());
  }

  void inspected(String policy, long engineNanos) {
    engineTime.record(engineNanos, TimeUnit.NANOSECONDS);
    inspected.computeIfAbsent(policy, p -> Counter.builder("crossgate_waf_requests_inspected")
        .description("Requests inspected by a WafPolicy").tag("policy", p).register(registry))
        .increment();
  }

  void blocked(String policy) {
    blocked.computeIfAbsent(policy, p -> Counter.builder("crossgate_waf_requests_blocked")
        .description("Requests refused by a WafPolicy").tag("policy", p).register(registry))
        .increment();
  }

  void matched(long ruleId) {
    matches.computeIfAbsent(ruleId, id -> Counter.builder("crossgate_waf_rule_matches")
        .description("WAF rule matches by rule id").tag("rule_id", Long.toString(id))
        .register(registry)).increment();
  }
}
