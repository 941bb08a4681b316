package dev.crossgate.routing.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * How many requests a key may make: {@code requests} per {@code period}, refilled evenly, plus
 * {@code burst} extra requests that may arrive at once. A fresh key may send
 * {@code requests + burst} at once, then {@code requests} per period.
 *
 * @param requests requests per period, > 0
 * @param period the period, > 0
 * @param burst extra requests allowed at once, >= 0
 */
public record Rate(int requests, Duration period, int burst) {

  public Rate {
    if (requests < 1) {
      throw new IllegalArgumentException("requests: " + requests + " (expected: > 0)");
    }
    Objects.requireNonNull(period, "period");
    if (period.isZero() || period.isNegative()) {
      throw new IllegalArgumentException("period: " + period + " (expected: > 0)");
    }
    if (burst < 0) {
      throw new IllegalArgumentException("burst: " + burst + " (expected: >= 0)");
    }
  }

  /** The period of a RateLimitPolicy unit: {@code Second}, {@code Minute} or {@code Hour}. */
  public static Duration periodOf(String unit) {
    return switch (unit) {
      case "Second" -> Duration.ofSeconds(1);
      case "Minute" -> Duration.ofMinutes(1);
      case "Hour" -> Duration.ofHours(1);
      default -> throw new IllegalArgumentException("unit: " + unit
          + " (expected: one of Second, Minute, Hour)");
    };
  }

  /** How many requests a fresh key may make at once: {@code requests + burst}. */
  public long capacity() {
    return (long) requests + burst;
  }

  /** The time one request's token takes to come back, in nanoseconds (at least 1). */
  long intervalNanos() {
    return Math.max(1, period.toNanos() / requests);
  }
}
