package dev.crossgate.policy.server.ratelimit;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.model.RateLimitPolicy;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.server.store.PolicyStore;
import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the limit a lease request names in the engine's current policy: the engine, not the
 * gateway, decides what the budget is. Refuses with NOT_FOUND for an unknown policy or limit and
 * FAILED_PRECONDITION for a policy whose scope is not Global. A limit found is remembered for
 * {@value #REMEMBER_MILLIS} ms, and forgotten at once when a revision lands (made here or by
 * another engine of the cluster), so most leases cost no store lookup.
 */
final class GlobalLimits {

  /** How long a limit found is used without looking again. */
  static final long REMEMBER_MILLIS = 5_000;

  /** At most this many limits are remembered; beyond, lookups go to the store. */
  private static final int MAX_REMEMBERED = 10_000;

  private final PolicyStore store;
  private final ConcurrentHashMap<String, Found> found = new ConcurrentHashMap<>();

  private record Found(GlobalLimit limit, long atNanos) {}

  GlobalLimits(PolicyStore store) {
    this.store = requireNonNull(store, "store");
    store.onRevision(revision -> found.clear());
  }

  /**
   * The limit {@code limit} of the RateLimitPolicy {@code policy} ({@code namespace/name}).
   * Fails with a {@link LeaseRefusal}.
   */
  Future<GlobalLimit> find(String policy, String limit) {
    String name = policy + "|" + limit;
    Found known = found.get(name);
    long now = System.nanoTime();
    if (known != null && now - known.atNanos() < REMEMBER_MILLIS * 1_000_000) {
      return Future.succeededFuture(known.limit());
    }
    int slash = policy.indexOf('/');
    return store.get(RateLimitPolicy.KIND, policy.substring(0, slash), policy.substring(slash + 1))
        .map(resource -> {
          GlobalLimit resolved = resolve(resource, policy, limit);
          if (found.size() < MAX_REMEMBERED) {
            found.put(name, new Found(resolved, now));
          }
          return resolved;
        });
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
