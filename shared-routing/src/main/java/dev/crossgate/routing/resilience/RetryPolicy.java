package dev.crossgate.routing.resilience;

import dev.crossgate.policy.model.HttpRoute;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A route rule's Gateway API {@code retry}: the response codes retried, how many retries after
 * the first attempt, and the backoff, exponential from {@code backoff} (capped at ten times it)
 * with full jitter.
 *
 * @param codes the status codes retried; 502, 503, 504 when the spec lists none
 * @param attempts retries after the first attempt
 * @param backoff the base wait
 */
public record RetryPolicy(Set<Integer> codes, int attempts, Duration backoff) {

  /** The codes retried when the spec lists none. */
  public static final Set<Integer> DEFAULT_CODES = Set.of(502, 503, 504);

  public RetryPolicy {
    codes = Set.copyOf(codes);
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts: " + attempts + " (expected: >= 0)");
    }
  }

  /** The policy for a spec, or null for none. */
  public static RetryPolicy of(HttpRoute.Retry spec) {
    if (spec == null) {
      return null;
    }
    List<Integer> codes = spec.codes();
    return new RetryPolicy(codes.isEmpty() ? DEFAULT_CODES : Set.copyOf(codes),
        spec.attempts() == null ? 2 : spec.attempts(),
        spec.backoff() == null ? Duration.ofMillis(25) : spec.backoff().duration());
  }

  /** Whether a response with this status is retried. */
  public boolean retries(int status) {
    return codes.contains(status);
  }

  /** The wait before retry number {@code retry} (1 for the first retry), with full jitter. */
  public long backoffMillis(int retry) {
    long base = Math.max(1, backoff.toMillis());
    long cap = base * 10;
    long ceiling = Math.min(cap, base << Math.min(20, Math.max(0, retry - 1)));
    return ThreadLocalRandom.current().nextLong(ceiling + 1);
  }
}
