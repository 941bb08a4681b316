package dev.crossgate.routing.lb;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.ToDoubleFunction;

/**
 * "Power of two random choices": draws two distinct endpoints at random and keeps the one with
 * the lower cost. Nearly as good as scanning for the minimum, at constant cost, and it avoids the
 * herd effect of every picker choosing the same least-loaded endpoint.
 */
final class PowerOfTwoChoices {

  private PowerOfTwoChoices() {}

  static UpstreamEndpoint pick(
      List<UpstreamEndpoint> endpoints, ToDoubleFunction<UpstreamEndpoint> cost) {
    return pick(endpoints,
        (first, second) -> cost.applyAsDouble(second) < cost.applyAsDouble(first));
  }

  /**
   * Draws two distinct endpoints at random; {@code prefersSecond} decides between them. The draw
   * order is random, so a tie keeps either with equal chance.
   */
  static UpstreamEndpoint pick(List<UpstreamEndpoint> endpoints, Preference prefersSecond) {
    int n = endpoints.size();
    if (n <= 1) {
      return n == 0 ? null : endpoints.get(0);
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int a = random.nextInt(n);
    int b = random.nextInt(n - 1);
    if (b >= a) {
      b++;
    }
    UpstreamEndpoint first = endpoints.get(a);
    UpstreamEndpoint second = endpoints.get(b);
    return prefersSecond.test(first, second) ? second : first;
  }

  /** Whether the second of two drawn endpoints should be taken over the first. */
  @FunctionalInterface
  interface Preference {
    boolean test(UpstreamEndpoint first, UpstreamEndpoint second);
  }
}
