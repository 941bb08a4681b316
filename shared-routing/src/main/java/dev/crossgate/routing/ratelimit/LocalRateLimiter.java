package dev.crossgate.routing.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One rate per key, held in this process: the generic cell rate algorithm (GCRA, a token
 * bucket kept as one "theoretical arrival time" per key, updated with compare-and-set, so it is
 * safe from every event loop at once without locks).
 *
 * <p>Memory is bounded: at most {@code maxKeys} keys are tracked (a Caffeine cache with
 * size-based eviction, maintained on the calling thread), and a key idle long enough for its
 * bucket to be full again is dropped, since a fresh key behaves the same. A flood of distinct
 * keys can evict a busy key, which then starts with a full bucket again: the price of a bounded
 * table, documented in docs/rate-limiting.md.
 */
public final class LocalRateLimiter implements RateLimiter {

  private final Rate rate;
  private final long interval;
  private final long capacityNanos;
  private final LongSupplier clock;
  private final Cache<String, AtomicLong> arrivals;

  /**
   * A limiter.
   *
   * @param rate the rate every key gets
   * @param maxKeys the most keys tracked at once, > 0
   * @param clock a monotonic clock in nanoseconds ({@code System::nanoTime} outside tests)
   */
  public LocalRateLimiter(Rate rate, long maxKeys, LongSupplier clock) {
    this.rate = Objects.requireNonNull(rate, "rate");
    if (maxKeys < 1) {
      throw new IllegalArgumentException("maxKeys: " + maxKeys + " (expected: > 0)");
    }
    this.clock = Objects.requireNonNull(clock, "clock");
    this.interval = rate.intervalNanos();
    this.capacityNanos = saturatedMultiply(interval, rate.capacity());
    this.arrivals = Caffeine.newBuilder()
        .maximumSize(maxKeys)
        .expireAfterAccess(Duration.ofNanos(Math.min(capacityNanos, Long.MAX_VALUE / 4)))
        .ticker(clock::getAsLong)
        .executor(Runnable::run)
        .build();
  }

  /** The rate every key gets. */
  public Rate rate() {
    return rate;
  }

  @Override
  public Decision tryAcquire(String key) {
    long now = clock.getAsLong();
    AtomicLong arrival = arrivals.getIfPresent(key); // no lambda allocated for a known key
    if (arrival == null) {
      arrival = arrivals.get(key, k -> new AtomicLong(now));
    }
    while (true) {
      long theoretical = arrival.get();
      long base = theoretical - now > 0 ? theoretical : now;
      long next = base + interval;
      long ahead = next - now;
      if (ahead > capacityNanos) {
        long waitNanos = ahead - capacityNanos;
        return new Decision(false, rate.capacity(), 0, base - now, waitNanos);
      }
      if (arrival.compareAndSet(theoretical, next)) {
        return new Decision(true, rate.capacity(), (capacityNanos - ahead) / interval, ahead, 0);
      }
    }
  }

  /** How many keys are tracked now (after pending evictions ran). */
  public long trackedKeys() {
    arrivals.cleanUp();
    return arrivals.estimatedSize();
  }

  private static long saturatedMultiply(long a, long b) {
    long high = Math.multiplyHigh(a, b);
    long low = a * b;
    return high != 0 || low < 0 ? Long.MAX_VALUE / 4 : low;
  }
}
