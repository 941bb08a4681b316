package dev.crossgate.sidecar;

import dev.crossgate.policy.distribution.DistributionClient;
import dev.crossgate.policy.distribution.DrainProgress;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sidecar's confirmed drain: tells the engine it drains, then waits until the engine confirms
 * that every node that was given its endpoint has applied a snapshot without it, for at most the
 * drain period (with no engine, or a caller that never ACKs, the whole period). Logs and counts
 * the outcome: {@code crossgate_sidecar_drain_total{outcome="confirmed|timeout"}} and
 * {@code crossgate_sidecar_drain_seconds} (how long the last drain waited).
 */
final class ConfirmedDrain {

  private static final Logger LOG = LoggerFactory.getLogger(ConfirmedDrain.class);

  /** How a drain ended. */
  enum Outcome {
    CONFIRMED, TIMEOUT;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * What a drain came to.
   *
   * @param outcome confirmed, or ended by the drain period
   * @param nanos how long it waited
   * @param confirmedNodes with a confirmation: how many nodes had the endpoint
   * @param unconfirmed on a timeout: the nodes the engine last named as not confirmed
   */
  record Result(Outcome outcome, long nanos, int confirmedNodes, List<String> unconfirmed) {
    Result {
      unconfirmed = List.copyOf(unconfirmed);
    }
  }

  private final MeterRegistry registry;
  private final AtomicLong lastNanos = new AtomicLong();

  ConfirmedDrain(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("crossgate_sidecar_drain_seconds", lastNanos, n -> n.get() / 1e9)
        .description("How long the sidecar's last drain waited for the engine's confirmation")
        .register(registry);
  }

  /**
   * Says the node drains and blocks until the engine confirms it or {@code period} passes.
   * Call it from a thread that may block (not an event loop).
   */
  Result run(DistributionClient distribution, Duration period) {
    long start = System.nanoTime();
    // Sent on the client's context; the confirmation is what is waited for.
    distribution.drain();
    LOG.info("draining: waiting up to {} ms for the engine to confirm every caller dropped "
        + "this endpoint", period.toMillis());
    DrainProgress confirmed = null;
    long left = period.toNanos() - (System.nanoTime() - start);
    try {
      confirmed = distribution.drainConfirmed().toCompletionStage().toCompletableFuture()
          .get(Math.max(0, left), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // the period is the upper bound
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long took = System.nanoTime() - start;
    lastNanos.set(took);
    Outcome outcome = confirmed != null ? Outcome.CONFIRMED : Outcome.TIMEOUT;
    Counter.builder("crossgate_sidecar_drain")
        .description("Drains by outcome: confirmed by the engine, or ended by the drain period")
        .tag("outcome", outcome.label()).register(registry).increment();
    if (confirmed != null) {
      LOG.info("drain confirmed: {} nodes, after {} ms", confirmed.confirmedNodes(),
          took / 1_000_000);
      return new Result(outcome, took, confirmed.confirmedNodes(), List.of());
    } else {
      DrainProgress last = distribution.drainProgress();
      if (period.isZero()) {
        LOG.info("drain period 0: closing without waiting for the engine's confirmation");
        return new Result(outcome, took, 0, last.pendingNodes());
      }
      LOG.warn("drain not confirmed within the drain period ({} ms): {}", period.toMillis(),
          !distribution.connected() && last.pendingNodes().isEmpty()
              ? "no engine connection"
              : last.pendingNodes().isEmpty() ? "the engine did not answer"
                  : "nodes that had not confirmed: " + String.join(", ",
                      last.pendingNodes()));
      return new Result(outcome, took, 0, last.pendingNodes());
    }
  }
}
