package dev.crossgate.routing.ratelimit;

/**
 * The answer of a limiter for one request.
 *
 * @param allowed whether the request may pass
 * @param limit the most requests the key may make at once ({@link Rate#capacity()})
 * @param remaining how many more requests the key may make right now
 * @param resetNanos how long until the key's bucket is full again
 * @param retryAfterNanos for a refused request, how long until one request would pass; else 0
 * @param unavailable refused because a global limit could not be checked (the policy engine is
 *     unreachable and the limit fails closed), not because the key's budget is used up
 */
public record Decision(boolean allowed, long limit, long remaining, long resetNanos,
    long retryAfterNanos, boolean unavailable) {

  /** A decision on the key's budget (not an unavailable limiter). */
  public Decision(boolean allowed, long limit, long remaining, long resetNanos,
      long retryAfterNanos) {
    this(allowed, limit, remaining, resetNanos, retryAfterNanos, false);
  }

  /** Whole seconds, rounded up: what the {@code RateLimit-Reset} header says. */
  public long resetSeconds() {
    return ceilSeconds(resetNanos);
  }

  /** Whole seconds, rounded up and at least 1: what the {@code Retry-After} header says. */
  public long retryAfterSeconds() {
    return Math.max(1, ceilSeconds(retryAfterNanos));
  }

  private static long ceilSeconds(long nanos) {
    return nanos <= 0 ? 0 : (nanos + 999_999_999L) / 1_000_000_000L;
  }
}
