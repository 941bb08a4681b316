package dev.crossgate.policy.server.ratelimit;

import static java.util.Objects.requireNonNull;

/**
 * One limit of a {@code RateLimitPolicy} with {@code scope: Global}, as the engine counts it.
 *
 * @param policy the policy as {@code namespace/name}
 * @param limit the limit's name
 * @param requests the budget of one window
 * @param unitMillis the window's length: the limit's unit
 */
public record GlobalLimit(String policy, String limit, long requests, long unitMillis) {

  public GlobalLimit {
    requireNonNull(policy, "policy");
    requireNonNull(limit, "limit");
    if (requests < 1) {
      throw new IllegalArgumentException("requests: " + requests + " (expected: > 0)");
    }
    if (unitMillis < 1) {
      throw new IllegalArgumentException("unitMillis: " + unitMillis + " (expected: > 0)");
    }
  }

  /** The start of the window holding {@code epochMillis}: windows are aligned to the epoch. */
  public long windowStart(long epochMillis) {
    return Math.floorDiv(epochMillis, unitMillis) * unitMillis;
  }
}
