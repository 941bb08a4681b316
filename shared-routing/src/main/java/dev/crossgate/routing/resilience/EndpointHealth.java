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
  private int multiplier;
  private long decayedUntilNanos;
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

  /** How many times this endpoint has been ejected, ever. */
  public int ejections() {
    return ejections.get();
  }

  /**
   * The ejection multiplier at {@code nowNanos}: raised by each ejection, lowered by one for
   * every full {@code interval} the endpoint then spends back in the balancer (Envoy's
   * ejection-time backoff), never below zero.
   */
  synchronized int multiplier(long nowNanos, long intervalNanos) {
    decay(nowNanos, intervalNanos);
    return multiplier;
  }

  private void decay(long nowNanos, long intervalNanos) {
    if (multiplier == 0 || ejected(nowNanos)) {
      return;
    }
    long healthyFor = nowNanos - decayedUntilNanos;
    long steps = healthyFor / intervalNanos;
    if (steps > 0) {
      multiplier = (int) Math.max(0, multiplier - steps);
      decayedUntilNanos += steps * intervalNanos;
    }
  }

  /**
   * Ejects for {@code baseNanos × the decayed multiplier + 1}, at most {@code maxNanos};
   * returns the ejection's length in nanoseconds.
   */
  synchronized long eject(long nowNanos, long baseNanos, long maxNanos, long intervalNanos) {
    decay(nowNanos, intervalNanos);
    multiplier++;
    long length = baseNanos > maxNanos / multiplier ? maxNanos : baseNanos * multiplier;
    ejectedUntilNanos = nowNanos + length;
    decayedUntilNanos = ejectedUntilNanos;
    ejected = true;
    consecutive5xx.set(0);
    consecutiveGatewayErrors.set(0);
    ejections.incrementAndGet();
    return length;
  }

  /**
   * Records one probe result; returns true when the verdict changed. Called from one health
   * checker at a time: the gateway's {@link HealthChecks}, or a sidecar's check of its own app.
   */
  public synchronized boolean probe(boolean success, int healthyThreshold,
      int unhealthyThreshold) {
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
