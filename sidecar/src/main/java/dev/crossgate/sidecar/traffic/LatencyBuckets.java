package dev.crossgate.sidecar.traffic;

import dev.crossgate.policy.distribution.v1.LatencyHistogram;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A latency histogram with fixed buckets (milliseconds: 1, 2.5, 5, 10, 25, 50, 100, 250, 500,
 * 1000, 2500, 5000, 10000, then above), counting since start. Fixed buckets let the engine
 * subtract two reports bucket by bucket and read a percentile from the difference. Thread-safe.
 */
public final class LatencyBuckets {

  /** The upper bounds in milliseconds. */
  public static final List<Double> BOUNDS_MILLIS = List.of(1.0, 2.5, 5.0, 10.0, 25.0, 50.0,
      100.0, 250.0, 500.0, 1000.0, 2500.0, 5000.0, 10000.0);

  private static final double[] BOUNDS = BOUNDS_MILLIS.stream().mapToDouble(Double::doubleValue)
      .toArray();

  private final LongAdder[] counts = new LongAdder[BOUNDS.length + 1];
  private final DoubleAdder sum = new DoubleAdder();

  public LatencyBuckets() {
    Arrays.setAll(counts, i -> new LongAdder());
  }

  /** The bounds as durations, for a Micrometer timer with the same buckets. */
  public static Duration[] boundsAsDurations() {
    return BOUNDS_MILLIS.stream().map(ms -> Duration.ofNanos((long) (ms * 1_000_000)))
        .toArray(Duration[]::new);
  }

  /** Counts one request that took {@code nanos}. */
  public void record(long nanos) {
    double millis = nanos / 1_000_000.0;
    int i = Arrays.binarySearch(BOUNDS, millis);
    int bucket = i >= 0 ? i : -i - 1;
    counts[bucket].increment();
    sum.add(millis);
  }

  /** The counts so far. */
  public LatencyHistogram snapshot() {
    LatencyHistogram.Builder histogram = LatencyHistogram.newBuilder()
        .addAllUpperBoundsMillis(BOUNDS_MILLIS);
    long total = 0;
    for (LongAdder count : counts) {
      long n = count.sum();
      histogram.addCounts(n);
      total += n;
    }
    return histogram.setCount(total).setSumMillis(sum.sum()).build();
  }
}
