package dev.crossgate.routing.lb;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * One endpoint of a backend ({@code address:port}) with the live stats load balancers read: the
 * number of requests in flight and a peak-EWMA of response latency. Safe to use from several
 * threads; updates are lock-free.
 *
 * <p>The proxy reports each request: {@code Completion c = endpoint.start();} before sending,
 * then {@code c.done(success)} once the response (or failure) is in. Latency is measured with
 * the endpoint's clock ({@link System#nanoTime()} unless one is injected).
 *
 * <p>The latency estimate follows Finagle's and Linkerd's peak-EWMA: a sample above the current
 * estimate replaces it at once (so a slowing endpoint is noticed immediately), a lower sample is
 * blended in with weight {@code 1 - exp(-elapsed / decay)}, and when read the estimate decays
 * toward zero with the same time constant so that an idle slow endpoint is eventually retried.
 */
public final class UpstreamEndpoint {

  /** The default time constant of the latency EWMA. */
  public static final Duration DEFAULT_DECAY = Duration.ofSeconds(10);

  private static final Ewma NO_SAMPLE = new Ewma(0, 0);

  private final String address;
  private final int port;
  private final String key;
  private final LongSupplier nanoClock;
  private final double decayNanos;
  private final AtomicInteger active = new AtomicInteger();
  private final LongAdder successes = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final AtomicReference<Ewma> ewma = new AtomicReference<>(NO_SAMPLE);

  private UpstreamEndpoint(String address, int port, LongSupplier nanoClock, Duration decay) {
    this.address = Objects.requireNonNull(address, "address");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
    }
    this.port = port;
    this.key = address + ":" + port;
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    Objects.requireNonNull(decay, "decay");
    if (decay.isNegative() || decay.isZero()) {
      throw new IllegalArgumentException("decay: " + decay + " (expected: > 0)");
    }
    this.decayNanos = decay.toNanos();
  }

  /** An endpoint measured with {@link System#nanoTime()} and the {@link #DEFAULT_DECAY}. */
  public static UpstreamEndpoint of(String address, int port) {
    return new UpstreamEndpoint(address, port, System::nanoTime, DEFAULT_DECAY);
  }

  /**
   * An endpoint with its own clock and EWMA time constant.
   *
   * @param nanoClock a monotonic clock in nanoseconds, like {@link System#nanoTime()}
   * @param decay the time constant τ of the latency EWMA
   */
  public static UpstreamEndpoint of(
      String address, int port, LongSupplier nanoClock, Duration decay) {
    return new UpstreamEndpoint(address, port, nanoClock, decay);
  }

  public String address() {
    return address;
  }

  public int port() {
    return port;
  }

  /** {@code address:port}, unique per backend. */
  public String key() {
    return key;
  }

  /** Counts a request in flight and starts its clock; call {@link Completion#done} once. */
  public Completion start() {
    active.incrementAndGet();
    return new Completion(nanoClock.getAsLong());
  }

  /** The number of requests started and not yet done. */
  public int activeRequests() {
    return active.get();
  }

  /** Requests reported done with success. */
  public long successes() {
    return successes.sum();
  }

  /** Requests reported done with failure. */
  public long failures() {
    return failures.sum();
  }

  /** Whether any latency has been recorded yet. */
  public boolean hasLatencySample() {
    return ewma.get() != NO_SAMPLE;
  }

  /**
   * The peak-EWMA latency in nanoseconds, decayed to now; 0 when there is no sample yet (see
   * {@link #hasLatencySample()}).
   */
  public double peakEwmaNanos() {
    Ewma current = ewma.get();
    if (current == NO_SAMPLE) {
      return 0;
    }
    long elapsed = Math.max(0, nanoClock.getAsLong() - current.stampNanos);
    return current.valueNanos * Math.exp(-elapsed / decayNanos);
  }

  /**
   * Records one latency sample without touching the in-flight count; {@link Completion#done}
   * calls this. Useful for feeding latencies measured elsewhere.
   *
   * @throws IllegalArgumentException when the latency is negative
   */
  public void recordLatency(long latencyNanos) {
    if (latencyNanos < 0) {
      throw new IllegalArgumentException("latencyNanos: " + latencyNanos + " (expected: >= 0)");
    }
    long now = nanoClock.getAsLong();
    while (true) {
      Ewma current = ewma.get();
      double value;
      if (current == NO_SAMPLE || latencyNanos > current.valueNanos) {
        value = latencyNanos; // peak sensitivity: a slower sample is taken at once
      } else {
        double w = Math.exp(-Math.max(0, now - current.stampNanos) / decayNanos);
        value = current.valueNanos * w + latencyNanos * (1 - w);
      }
      if (ewma.compareAndSet(current, new Ewma(value, now))) {
        return;
      }
    }
  }

  @Override
  public String toString() {
    return "UpstreamEndpoint{" + key + ", active=" + active.get() + '}';
  }

  private static final class Ewma {
    final double valueNanos;
    final long stampNanos;

    Ewma(double valueNanos, long stampNanos) {
      this.valueNanos = valueNanos;
      this.stampNanos = stampNanos;
    }
  }

  /** One request in flight on this endpoint. */
  public final class Completion {

    private static final AtomicIntegerFieldUpdater<Completion> DONE =
        AtomicIntegerFieldUpdater.newUpdater(Completion.class, "done");

    private final long startNanos;
    private volatile int done;

    private Completion(long startNanos) {
      this.startNanos = startNanos;
    }

    /**
     * Ends the request: no longer in flight, its latency recorded, counted as a success or a
     * failure. Only the first call counts.
     */
    public void done(boolean success) {
      if (!DONE.compareAndSet(this, 0, 1)) {
        return;
      }
      active.decrementAndGet();
      (success ? successes : failures).increment();
      recordLatency(Math.max(0, nanoClock.getAsLong() - startNanos));
    }
  }
}
