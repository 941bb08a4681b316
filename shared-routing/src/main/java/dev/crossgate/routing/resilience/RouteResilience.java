package dev.crossgate.routing.resilience;

import dev.crossgate.policy.model.HttpRoute;
import java.time.Duration;

/**
 * A route rule's timeouts and retry policy.
 *
 * @param requestTimeout the whole exchange, retries included, until the response head; null
 *     for none
 * @param backendRequestTimeout one attempt until its response head; null for none
 * @param retry the retry policy; null for none
 */
public record RouteResilience(Duration requestTimeout, Duration backendRequestTimeout,
    RetryPolicy retry) {

  /** No timeouts, no retries. */
  public static final RouteResilience NONE = new RouteResilience(null, null, null);

  /** Compiles a rule's {@code timeouts} and {@code retry}. */
  public static RouteResilience of(HttpRoute.Rule rule) {
    HttpRoute.Timeouts timeouts = rule.timeouts();
    Duration request = timeouts == null || timeouts.request() == null ? null
        : nonZero(timeouts.request().duration());
    Duration backend = timeouts == null || timeouts.backendRequest() == null ? null
        : nonZero(timeouts.backendRequest().duration());
    RetryPolicy retry = RetryPolicy.of(rule.retry());
    if (request == null && backend == null && retry == null) {
      return NONE;
    }
    return new RouteResilience(request, backend, retry);
  }

  /** Gateway API: a zero duration means no timeout. */
  private static Duration nonZero(Duration d) {
    return d.isZero() ? null : d;
  }
}
