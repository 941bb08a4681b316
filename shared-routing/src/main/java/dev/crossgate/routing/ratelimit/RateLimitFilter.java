package dev.crossgate.routing.ratelimit;

import dev.crossgate.routing.error.ErrorReason;
import dev.crossgate.routing.error.ProxyException;
import dev.crossgate.routing.filter.HttpFilter;
import dev.crossgate.routing.filter.ProxyExchange;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/**
 * Refuses a request with {@code 429 rate_limited} when any limit that applies to it has no
 * token left for its key, with {@code RateLimit-Limit}, {@code RateLimit-Remaining},
 * {@code RateLimit-Reset} and {@code Retry-After}. Limits are checked in order and each one
 * that passes spends its token, like Envoy's local rate limit.
 */
public final class RateLimitFilter implements HttpFilter {

  private final List<BoundLimit> limits;

  /** A filter enforcing every one of {@code limits}. */
  public RateLimitFilter(List<BoundLimit> limits) {
    this.limits = List.copyOf(limits);
  }

  /** The limits, in order. */
  public List<BoundLimit> limits() {
    return limits;
  }

  @Override
  public Future<Void> onRequest(ProxyExchange exchange) {
    for (BoundLimit limit : limits) {
      String key = limit.key().of(exchange);
      if (key == null) {
        continue;
      }
      Decision decision = limit.limiter().tryAcquire(key);
      if (!decision.allowed()) {
        return Future.failedFuture(refusal(limit, decision));
      }
    }
    return CONTINUE;
  }

  private static ProxyException refusal(BoundLimit limit, Decision decision) {
    long retryAfter = decision.retryAfterSeconds();
    return new ProxyException(ErrorReason.RATE_LIMITED, "limit " + limit.name()
        + " of RateLimitPolicy " + limit.policy() + " (" + limit.description()
        + ") is used up for this client; retry in " + retryAfter + " s",
        limit.decidedBy(), Map.of(
            "ratelimit-limit", Long.toString(decision.limit()),
            "ratelimit-remaining", "0",
            "ratelimit-reset", Long.toString(decision.resetSeconds()),
            "retry-after", Long.toString(retryAfter)));
  }
}
