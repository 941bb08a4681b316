package dev.crossgate.bench;

import dev.crossgate.routing.ratelimit.LocalRateLimiter;
import dev.crossgate.routing.ratelimit.Rate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of {@link LocalRateLimiter#tryAcquire} per request: a few hot keys (the common
 * case), many keys within the bound, and a flood of distinct keys that keeps evicting.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class RateLimiterBenchmark {

  /** Distinct keys cycled through; the limiter tracks at most 100,000. */
  @Param({"16", "50000", "10000000"})
  int keys;

  private LocalRateLimiter limiter;
  private String[] names;

  @Setup
  public void setUp() {
    limiter = new LocalRateLimiter(new Rate(1_000_000, Duration.ofSeconds(1), 0), 100_000,
        System::nanoTime);
    int distinct = Math.min(keys, 1 << 20);
    names = new String[distinct];
    for (int i = 0; i < distinct; i++) {
      names[i] = "10." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + "." + (i & 0xff);
    }
  }

  /** Per-thread position in the key sequence. */
  @State(Scope.Thread)
  public static class Cursor {
    long next;
  }

  @Benchmark
  @Threads(2)
  public boolean tryAcquire(Cursor cursor) {
    long i = cursor.next++;
    String key = keys <= names.length ? names[(int) (i % keys)]
        : names[(int) (i % names.length)] + ":" + (i / names.length % 16);
    return limiter.tryAcquire(key).allowed();
  }
}
