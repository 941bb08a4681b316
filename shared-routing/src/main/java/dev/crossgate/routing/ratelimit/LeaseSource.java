package dev.crossgate.routing.ratelimit;

import dev.crossgate.policy.ratelimit.LeaseClient;
import io.vertx.core.Future;
import java.util.Objects;

/**
 * Where global limits get leases of tokens: the policy engine's
 * {@code crossgate.v1.GlobalRateLimit} service. A failed future means no engine answered (or one
 * refused); the limit then falls back as its {@code failureMode} says.
 */
@FunctionalInterface
public interface LeaseSource {

  /**
   * Asks for up to {@code requested} tokens of the current window.
   *
   * @param policy the RateLimitPolicy as {@code namespace/name}
   * @param limit the limit's name
   * @param key the key the limit counts by
   */
  Future<Lease> lease(String policy, String limit, String key, long requested);

  /**
   * A grant.
   *
   * @param granted tokens granted, 0 when the window's budget is spent
   * @param remaining what is left of the window's budget after this grant
   * @param windowStartMillis the window's start on the engine's clock; identifies the window
   * @param windowRemainingMillis how long until the window ends; the tokens are valid until then
   */
  record Lease(long granted, long remaining, long windowStartMillis, long windowRemainingMillis) {}

  /** Leases from the engines {@code client} calls. */
  static LeaseSource of(LeaseClient client) {
    Objects.requireNonNull(client, "client");
    return (policy, limit, key, requested) -> client.lease(policy, limit, key, requested)
        .map(grant -> new Lease(grant.getGranted(), grant.getRemaining(),
            grant.getWindowStartMillis(), grant.getWindowRemainingMillis()));
  }
}
