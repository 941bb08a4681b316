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
    return cost.applyAsDouble(second) < cost.applyAsDouble(first) ? second : first;
  }
}
