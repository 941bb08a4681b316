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
    return check(exchange, 0);
  }

  /** Checks the limits from {@code from} on; waits only for a limiter that cannot answer now. */
  private Future<Void> check(ProxyExchange exchange, int from) {
    for (int i = from; i < limits.size(); i++) {
      BoundLimit limit = limits.get(i);
      String key = limit.key().of(exchange);
      if (key == null) {
        continue;
      }
      Future<Decision> decided = limit.limiter().acquire(key);
      if (!decided.isComplete()) {
        int next = i + 1;
        return decided.compose(decision -> decision.allowed() ? check(exchange, next)
            : Future.failedFuture(refusal(limit, decision)));
      }
      if (decided.failed()) {
        return Future.failedFuture(decided.cause());
      }
      Decision decision = decided.result();
      if (!decision.allowed()) {
        return Future.failedFuture(refusal(limit, decision));
      }
    }
    return CONTINUE;
  }

  private static ProxyException refusal(BoundLimit limit, Decision decision) {
    long retryAfter = decision.retryAfterSeconds();
    String what = "limit " + limit.name() + " of RateLimitPolicy " + limit.policy() + " ("
        + limit.description() + ")";
    return new ProxyException(ErrorReason.RATE_LIMITED, decision.unavailable()
        ? what + " cannot be checked: the global rate limiter (the policy engine) is"
            + " unavailable and the policy's failureMode is Closed; retry in " + retryAfter + " s"
        : what + " is used up for this client; retry in " + retryAfter + " s",
        limit.decidedBy(), Map.of(
            "ratelimit-limit", Long.toString(decision.limit()),
            "ratelimit-remaining", "0",
            "ratelimit-reset", Long.toString(decision.resetSeconds()),
            "retry-after", Long.toString(retryAfter)));
  }
}
