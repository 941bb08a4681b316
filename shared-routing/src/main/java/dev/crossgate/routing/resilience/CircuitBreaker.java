package dev.crossgate.routing.resilience;

import dev.crossgate.policy.model.Service;
import java.time.Duration;
import java.util.Objects;

/**
 * A circuit breaker on one backend's error rate. Closed, it counts requests and errors (5xx and
 * gateway errors) over a sliding {@code window} of ten buckets; when at least
 * {@code minimumRequests} were seen and the error rate reaches the threshold it opens. Open, it
 * refuses every request for {@code openDuration}; then it lets {@value #PROBES} probe requests
 * through (half-open): all succeed and it closes, one fails and it opens again.
 */
public final class CircuitBreaker {

  /** Probe requests let through while half-open. */
  public static final int PROBES = 3;

  private static final int BUCKETS = 10;

  /** The breaker's state. */
  public enum State { CLOSED, OPEN, HALF_OPEN }

  /**
   * Compiled settings.
   *
   * @param errorRatePercent the error rate that opens, 1..100
   * @param minimumRequests requests in the window before the rate counts
   * @param window the sliding window
   * @param openDuration how long the circuit stays open before probing
   */
  public record Settings(int errorRatePercent, int minimumRequests, Duration window,
      Duration openDuration) {

    /** Settings from the model with its documented defaults (50 %, 20, 10 s, 30 s). */
    public static Settings of(Service.CircuitBreaker spec) {
      return new Settings(
          spec.errorRateThreshold() == null ? 50 : spec.errorRateThreshold(),
          spec.minimumRequests() == null ? 20 : spec.minimumRequests(),
          spec.window() == null ? Duration.ofSeconds(10) : spec.window().duration(),
          spec.openDuration() == null ? Duration.ofSeconds(30) : spec.openDuration().duration());
    }
  }

  private final String backend;
  private final Settings settings;
  private final BackendResilience owner;
  private final long bucketNanos;
  private final long[] requests = new long[BUCKETS];
  private final long[] errors = new long[BUCKETS];
  private final long[] bucketStart = new long[BUCKETS];
  private State state = State.CLOSED;
  private long openUntil;
  private long halfOpenSince;
  private int probesStarted;
  private int probeSuccesses;

  CircuitBreaker(String backend, Settings settings, BackendResilience owner) {
    this.backend = backend;
    this.settings = Objects.requireNonNull(settings, "settings");
    this.owner = owner;
    this.bucketNanos = Math.max(1, settings.window().toNanos() / BUCKETS);
  }

  /** The settings. */
  public Settings settings() {
    return settings;
  }

  /** The current state. */
  public synchronized State state() {
    return state;
  }

  /** Whether a request may go to the backend now; false means answer {@code circuit_open}. */
  public synchronized boolean allow() {
    long now = System.nanoTime();
    switch (state) {
      case CLOSED:
        return true;
      case OPEN:
        if (now - openUntil < 0) {
          return false;
        }
        transition(State.HALF_OPEN);
        halfOpenSince = now;
        probesStarted = 1;
        probeSuccesses = 0;
        return true;
      default:
        // A probe whose result never came (client gone) must not keep the circuit stuck.
        if (probesStarted < PROBES || now - halfOpenSince > settings.openDuration().toNanos()) {
          if (probesStarted >= PROBES) {
            halfOpenSince = now;
            probesStarted = 0;
          }
          probesStarted++;
          return true;
        }
        return false;
    }
  }

  /** Records the outcome of one request the breaker allowed. */
  public synchronized void record(boolean success) {
    long now = System.nanoTime();
    switch (state) {
      case CLOSED -> {
        int index = (int) Math.floorMod(now / bucketNanos, (long) BUCKETS);
        long start = now / bucketNanos * bucketNanos;
        if (bucketStart[index] != start) {
          bucketStart[index] = start;
          requests[index] = 0;
          errors[index] = 0;
        }
        requests[index]++;
        if (!success) {
          errors[index]++;
          long total = 0;
          long failed = 0;
          for (int i = 0; i < BUCKETS; i++) {
            if (now - bucketStart[i] < settings.window().toNanos()) {
              total += requests[i];
              failed += errors[i];
            }
          }
          if (total >= settings.minimumRequests()
              && failed * 100 >= (long) settings.errorRatePercent() * total) {
            open(now);
          }
        }
      }
      case HALF_OPEN -> {
        if (!success) {
          open(now);
        } else if (++probeSuccesses >= PROBES) {
          java.util.Arrays.fill(requests, 0);
          java.util.Arrays.fill(errors, 0);
          transition(State.CLOSED);
        }
      }
      default -> { }
    }
  }

  private void open(long now) {
    openUntil = now + settings.openDuration().toNanos();
    transition(State.OPEN);
  }

  private void transition(State next) {
    state = next;
    owner.events().circuitState(backend, next);
  }
}
