package dev.crossgate.bench;

import dev.crossgate.routing.ratelimit.GlobalLeases;
import dev.crossgate.routing.ratelimit.GlobalRateLimiter;
import dev.crossgate.routing.ratelimit.LeaseSource;
import dev.crossgate.routing.ratelimit.LocalRateLimiter;
import dev.crossgate.routing.ratelimit.Rate;
import dev.crossgate.routing.ratelimit.RateLimiter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-request cost of a global limit in the gateway: spending a leased token
 * ({@link GlobalRateLimiter#acquire}) next to a local GCRA bucket. Leases come from an
 * in-process source that grants at once (the engine's rule: at most an eighth of what is left
 * of a huge budget), so this measures the gateway's bookkeeping, not the network; the lease
 * calls per request are reported at the end of each trial.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class GlobalRateLimiterBenchmark {

  /** Global (leased) or Local (GCRA). */
  @Param({"Global", "Local"})
  String scope;

  /** Distinct keys cycled through. */
  @Param({"16", "50000"})
  int keys;

  private RateLimiter limiter;
  private String[] names;
  private final AtomicLong leaseCalls = new AtomicLong();
  private final LongAdder acquired = new LongAdder();

  @Setup(Level.Trial)
  public void setUp() {
    Rate rate = new Rate(1_000_000_000, Duration.ofHours(1), 0);
    AtomicLong spent = new AtomicLong();
    LeaseSource instant = (policy, limit, key, requested) -> {
      leaseCalls.incrementAndGet();
      long left = Long.MAX_VALUE / 2 - spent.get();
      long granted = Math.min(requested, Math.max(1, left / 8));
      spent.addAndGet(granted);
      return Future.succeededFuture(new LeaseSource.Lease(granted, left - granted, 0,
          3_600_000));
    };
    limiter = "Global".equals(scope)
        ? new GlobalRateLimiter("bench/limits", "per-client", rate, true,
            GlobalLeases.from(instant, Duration.ofSeconds(1), new SimpleMeterRegistry()),
            100_000, System::nanoTime)
        : new LocalRateLimiter(rate, 100_000, System::nanoTime);
    names = new String[keys];
    for (int i = 0; i < keys; i++) {
      names[i] = "10." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + "." + (i & 0xff);
    }
  }

  @TearDown(Level.Trial)
  public void report() {
    if ("Global".equals(scope)) {
      System.out.printf("%n%d lease calls for %d requests (%.5f per request)%n",
          leaseCalls.get(), acquired.sum(), (double) leaseCalls.get() / acquired.sum());
    }
  }

  /** Per-thread position in the key sequence. */
  @State(Scope.Thread)
  public static class Cursor {
    long next;
  }

  @Benchmark
  @Threads(2)
  public boolean acquire(Cursor cursor) {
    acquired.increment();
    String key = names[(int) (cursor.next++ % keys)];
    return limiter.acquire(key).result().allowed();
  }
}
