package dev.crossgate.policy.server.ratelimit;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.model.RateLimitPolicy;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.server.store.PolicyStore;
import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;
import java.time.Duration;
import java.util.Optional;

/**
 * Finds the limit a lease request names in the engine's current policy: the engine, not the
 * gateway, decides what the budget is. Refuses with NOT_FOUND for an unknown policy or limit and
 * FAILED_PRECONDITION for a policy whose scope is not Global.
 */
final class GlobalLimits {

  private final PolicyStore store;

  GlobalLimits(PolicyStore store) {
    this.store = requireNonNull(store, "store");
  }

  /**
   * The limit {@code limit} of the RateLimitPolicy {@code policy} ({@code namespace/name}).
   * Fails with a {@link LeaseRefusal}.
   */
  Future<GlobalLimit> find(String policy, String limit) {
    int slash = policy.indexOf('/');
    String namespace = policy.substring(0, slash);
    String name = policy.substring(slash + 1);
    return store.get(RateLimitPolicy.KIND, namespace, name).map(found -> resolve(found, policy, limit));
  }

  private static GlobalLimit resolve(Optional<Resource> found, String policy, String limit) {
    if (found.isEmpty() || !(found.get() instanceof RateLimitPolicy rateLimit)) {
      throw new LeaseRefusal(GrpcStatus.NOT_FOUND, "policy: " + policy
          + " (expected: an existing RateLimitPolicy namespace/name; the engine has none by"
          + " that name)");
    }
    if (!"Global".equals(rateLimit.spec().scope())) {
      throw new LeaseRefusal(GrpcStatus.FAILED_PRECONDITION, "policy: " + policy
          + " has scope " + (rateLimit.spec().scope() == null ? "Local (the default)"
              : rateLimit.spec().scope())
          + " (expected: scope Global; local limits are counted by each data plane)");
    }
    for (RateLimitPolicy.Limit candidate : rateLimit.spec().limits()) {
      if (limit.equals(candidate.name())) {
        return new GlobalLimit(policy, limit, candidate.requests(), unitMillis(candidate.unit()));
      }
    }
    throw new LeaseRefusal(GrpcStatus.NOT_FOUND, "limit: " + limit + " (expected: one of "
        + rateLimit.spec().limits().stream().map(RateLimitPolicy.Limit::name).toList()
        + " in RateLimitPolicy " + policy + ")");
  }

  private static long unitMillis(String unit) {
    return switch (unit) {
      case "Second" -> Duration.ofSeconds(1).toMillis();
      case "Minute" -> Duration.ofMinutes(1).toMillis();
      case "Hour" -> Duration.ofHours(1).toMillis();
      default -> throw new LeaseRefusal(GrpcStatus.INTERNAL, "unit: " + unit
          + " (expected: one of Second, Minute, Hour; the stored policy did not validate)");
    };
  }
}
