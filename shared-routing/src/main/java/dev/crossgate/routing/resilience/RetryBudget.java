package dev.crossgate.routing.resilience;

import dev.crossgate.policy.model.Service;

/**
 * How much extra load retries to one backend may add: over the last {@value #WINDOW_SECONDS}
 * seconds, retries may be at most {@code percent} of the requests plus
 * {@code minRetriesPerSecond} per second (Finagle's and Linkerd's retry budget).
 */
public final class RetryBudget {

  /** The sliding window the budget is counted over, in seconds. */
  public static final int WINDOW_SECONDS = 10;

  /**
   * Compiled settings.
   *
   * @param percent the extra load retries may add, 0..100
   * @param minRetriesPerSecond retries always allowed per second
   */
  public record Settings(int percent, int minRetriesPerSecond) {

    /** The defaults: 20 %, 10 per second. */
    public static final Settings DEFAULTS = new Settings(20, 10);

    /** Settings from the model, the defaults for what is omitted. */
    public static Settings of(Service.RetryBudget spec) {
      if (spec == null) {
        return DEFAULTS;
      }
      return new Settings(spec.percent() == null ? 20 : spec.percent(),
          spec.minRetriesPerSecond() == null ? 10 : spec.minRetriesPerSecond());
    }
  }

  private final Settings settings;
  private final long[] requests = new long[WINDOW_SECONDS];
  private final long[] retries = new long[WINDOW_SECONDS];
  private final long[] second = new long[WINDOW_SECONDS];

  RetryBudget(Settings settings) {
    this.settings = settings;
  }

  /** The settings. */
  public Settings settings() {
    return settings;
  }

  /** Counts one original request (not a retry). */
  public synchronized void recordRequest() {
    requests[slot(nowSecond())]++;
  }

  /** Takes one retry from the budget; false when the budget is spent. */
  public synchronized boolean tryRetry() {
    long now = nowSecond();
    int slot = slot(now);
    long totalRequests = 0;
    long totalRetries = 0;
    for (int i = 0; i < WINDOW_SECONDS; i++) {
      if (now - second[i] < WINDOW_SECONDS) {
        totalRequests += requests[i];
        totalRetries += retries[i];
      }
    }
    double allowed = (double) settings.minRetriesPerSecond() * WINDOW_SECONDS
        + totalRequests * settings.percent() / 100.0;
    if (totalRetries + 1 > allowed) {
      return false;
    }
    retries[slot]++;
    return true;
  }

  private int slot(long now) {
    int index = (int) Math.floorMod(now, (long) WINDOW_SECONDS);
    if (second[index] != now) {
      second[index] = now;
      requests[index] = 0;
      retries[index] = 0;
    }
    return index;
  }

  private static long nowSecond() {
    return System.nanoTime() / 1_000_000_000L;
  }
}
