package dev.crossgate.routing.ratelimit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Objects;

/**
 * What the global limits of a data plane share: where leases come from (nothing in file mode,
 * where every global limit falls back as its {@code failureMode} says), how long to wait after a
 * failed lease before asking again, and the meters that count leases and fallbacks.
 */
public final class GlobalLeases {

  private final LeaseSource source;
  private final Duration retryAfterFailure;
  private final MeterRegistry registry;

  private GlobalLeases(LeaseSource source, Duration retryAfterFailure, MeterRegistry registry) {
    this.source = source;
    this.retryAfterFailure = Objects.requireNonNull(retryAfterFailure, "retryAfterFailure");
    if (retryAfterFailure.isNegative() || retryAfterFailure.isZero()) {
      throw new IllegalArgumentException("retryAfterFailure: " + retryAfterFailure
          + " (expected: > 0)");
    }
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /**
   * Leases from {@code source}; after a failure, the engine is asked again after
   * {@code retryAfterFailure}.
   */
  public static GlobalLeases from(LeaseSource source, Duration retryAfterFailure,
      MeterRegistry registry) {
    return new GlobalLeases(Objects.requireNonNull(source, "source"), retryAfterFailure,
        registry);
  }

  /** No policy engine (file mode): every global limit falls back as its failureMode says. */
  public static GlobalLeases none(MeterRegistry registry) {
    return new GlobalLeases(null, Duration.ofSeconds(1), registry);
  }

  /** No policy engine, meters kept in memory: for tests and tools. */
  public static GlobalLeases none() {
    return none(new SimpleMeterRegistry());
  }

  /** Where leases come from; null when there is no policy engine. */
  LeaseSource source() {
    return source;
  }

  Duration retryAfterFailure() {
    return retryAfterFailure;
  }

  /**
   * Counts requests a global limit decided without the engine: {@code mode} open (let through
   * by the per-replica fallback limiter) or closed (refused).
   */
  Counter fallbacks(String policy, String limit, String mode) {
    return Counter.builder("crossgate_ratelimit_global_fallbacks")
        .description("Requests a global rate limit decided without the policy engine, by the"
            + " failure mode applied")
        .tag("policy", policy).tag("limit", limit).tag("mode", mode)
        .register(registry);
  }

  /** Counts lease calls by result: granted, exhausted (nothing left) or failed. */
  Counter leases(String policy, String limit, String result) {
    return Counter.builder("crossgate_ratelimit_global_leases")
        .description("Lease calls of global rate limits by result")
        .tag("policy", policy).tag("limit", limit).tag("result", result)
        .register(registry);
  }
}
