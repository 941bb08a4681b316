package dev.crossgate.routing.lb;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A random choice among items in proportion to their weights, for weighted
 * {@code backendRefs}. Items with weight 0 are never picked. Immutable and thread-safe; a pick is
 * a binary search over prefix sums, O(log n).
 *
 * @param <T> the item type
 */
public final class WeightedChoice<T> {

  private final List<T> items;
  private final long[] cumulative;
  private final long total;

  private WeightedChoice(List<T> items, long[] cumulative) {
    this.items = items;
    this.cumulative = cumulative;
    this.total = cumulative.length == 0 ? 0 : cumulative[cumulative.length - 1];
  }

  /**
   * A choice among items with one weight per item; a null weight counts as 1, the Gateway API
   * default.
   *
   * @throws IllegalArgumentException when the sizes differ or a weight is negative
   */
  public static <T> WeightedChoice<T> of(List<T> items, List<Integer> weights) {
    Objects.requireNonNull(items, "items");
    Objects.requireNonNull(weights, "weights");
    if (items.size() != weights.size()) {
      throw new IllegalArgumentException(
          "weights: " + weights.size() + " values for " + items.size()
              + " items (expected: one weight per item)");
    }
    List<T> kept = new ArrayList<>();
    long[] sums = new long[items.size()];
    long sum = 0;
    for (int i = 0; i < items.size(); i++) {
      Integer weight = weights.get(i);
      int w = weight == null ? 1 : weight;
      if (w < 0) {
        throw new IllegalArgumentException("weights[" + i + "]: " + w + " (expected: >= 0)");
      }
      if (w > 0) {
        sum += w;
        sums[kept.size()] = sum;
        kept.add(Objects.requireNonNull(items.get(i), "items[" + i + "]"));
      }
    }
    return new WeightedChoice<>(List.copyOf(kept), Arrays.copyOf(sums, kept.size()));
  }

  /** A random item, or null when there is none with a positive weight. */
  public T pick() {
    return total == 0 ? null : at(ThreadLocalRandom.current().nextLong(total));
  }

  /** The item whose weight range holds {@code point}, {@code 0 <= point < totalWeight()}. */
  T at(long point) {
    int lo = 0;
    int hi = cumulative.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] > point) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return items.get(lo);
  }

  /** The sum of the weights. */
  public long totalWeight() {
    return total;
  }

  /** The items that can be picked (weight above 0), in their original order. */
  public List<T> items() {
    return items;
  }
}
