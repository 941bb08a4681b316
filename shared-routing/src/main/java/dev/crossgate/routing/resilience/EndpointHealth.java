package dev.crossgate.routing.resilience;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether one endpoint may receive traffic: its active health-check verdict and its passive
 * (outlier) ejection. Kept beside the {@link dev.crossgate.routing.lb.UpstreamEndpoint} it
 * describes and carried over config reloads the same way. Thread-safe.
 */
public final class EndpointHealth {

  private volatile boolean healthy = true;
  private volatile long ejectedUntilNanos;
  private volatile boolean ejected;
  private final AtomicInteger ejections = new AtomicInteger();
  final AtomicInteger consecutive5xx = new AtomicInteger();
  final AtomicInteger consecutiveGatewayErrors = new AtomicInteger();
  private int probeSuccesses;
  private int probeFailures;

  /** The active health-check verdict; true until a check says otherwise. */
  public boolean healthy() {
    return healthy;
  }

  /** Whether outlier detection keeps this endpoint out at {@code nowNanos}. */
  public boolean ejected(long nowNanos) {
    if (ejected && nowNanos - ejectedUntilNanos >= 0) {
      ejected = false;
    }
    return ejected;
  }

  /** How many times this endpoint has been ejected. */
  public int ejections() {
    return ejections.get();
  }

  /** Ejects until {@code untilNanos}; returns the ejection count including this one. */
  int eject(long untilNanos) {
    ejectedUntilNanos = untilNanos;
    ejected = true;
    consecutive5xx.set(0);
    consecutiveGatewayErrors.set(0);
    return ejections.incrementAndGet();
  }

  /**
   * Records one probe result; returns true when the verdict changed. Called from one health
   * checker at a time.
   */
  synchronized boolean probe(boolean success, int healthyThreshold, int unhealthyThreshold) {
    if (success) {
      probeFailures = 0;
      probeSuccesses++;
      if (!healthy && probeSuccesses >= healthyThreshold) {
        healthy = true;
        return true;
      }
    } else {
      probeSuccesses = 0;
      probeFailures++;
      if (healthy && probeFailures >= unhealthyThreshold) {
        healthy = false;
        return true;
      }
    }
    return false;
  }
}
