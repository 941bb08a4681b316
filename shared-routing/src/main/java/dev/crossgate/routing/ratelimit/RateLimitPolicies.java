package dev.crossgate.routing.ratelimit;

import dev.crossgate.policy.model.Gateway;
import dev.crossgate.policy.model.ObjectMeta;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.RateLimitPolicy;
import dev.crossgate.policy.model.TargetRef;
import dev.crossgate.routing.filter.HttpFilter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the {@code RateLimitPolicy} resources of a bundle into {@link RateLimitFilter}s for the
 * route rules they target, and keeps each limit's buckets across recompiles as long as the
 * limit is unchanged (a config reload does not hand every client a fresh burst). Buckets of
 * limits that disappear are dropped with the configuration that held them.
 */
public final class RateLimitPolicies {

  /** The default bound on keys tracked per limit: one million. */
  public static final long DEFAULT_MAX_KEYS = 1_000_000;

  private static final Logger LOG = LoggerFactory.getLogger(RateLimitPolicies.class);

  private final long maxKeysPerLimit;
  private final LongSupplier clock;
  private final GlobalLeases leases;
  private Map<String, RateLimiter> limiters = Map.of();

  /**
   * Policies with this bound on tracked keys per limit and this clock, and no policy engine for
   * global limits.
   *
   * @param maxKeysPerLimit the most keys one limit tracks at once
   * @param clock a monotonic nanosecond clock ({@code System::nanoTime} outside tests)
   */
  public RateLimitPolicies(long maxKeysPerLimit, LongSupplier clock) {
    this(maxKeysPerLimit, clock, GlobalLeases.none());
  }

  /**
   * The same, with global limits leasing from {@code leases}.
   *
   * @param leases where global limits get their tokens ({@link GlobalLeases#none} in file mode)
   */
  public RateLimitPolicies(long maxKeysPerLimit, LongSupplier clock, GlobalLeases leases) {
    if (maxKeysPerLimit < 1) {
      throw new IllegalArgumentException("maxKeysPerLimit: " + maxKeysPerLimit
          + " (expected: > 0)");
    }
    this.maxKeysPerLimit = maxKeysPerLimit;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.leases = Objects.requireNonNull(leases, "leases");
  }

  /** Policies with {@link #DEFAULT_MAX_KEYS}, the system clock and no policy engine. */
  public static RateLimitPolicies defaults() {
    return new RateLimitPolicies(DEFAULT_MAX_KEYS, System::nanoTime);
  }

  /** Policies with {@link #DEFAULT_MAX_KEYS} and the system clock, leasing from {@code leases}. */
  public static RateLimitPolicies defaults(GlobalLeases leases) {
    return new RateLimitPolicies(DEFAULT_MAX_KEYS, System::nanoTime, leases);
  }

  /**
   * Prepares the limits of one compile. Call once per compile, then ask the result for each
   * rule's filter.
   *
   * @param bundle a validated bundle
   * @param gateway the Gateway being served
   */
  public synchronized Compiled compile(PolicyBundle bundle, Gateway gateway) {
    Map<String, RateLimiter> next = new HashMap<>();
    List<Targeted> targeted = new ArrayList<>();
    for (RateLimitPolicy policy : bundle.ofKind(RateLimitPolicy.class)) {
      RateLimitPolicy.Spec spec = policy.spec();
      boolean global = "Global".equals(spec.scope());
      boolean failOpen = !"Closed".equals(spec.failureMode());
      List<CidrBlock> trusted = spec.trustedProxies().stream().map(CidrBlock::parse).toList();
      List<BoundLimit> bound = new ArrayList<>();
      for (RateLimitPolicy.Limit limit : spec.limits()) {
        Rate rate = new Rate(limit.requests(), Rate.periodOf(limit.unit()),
            limit.burst() == null ? 0 : limit.burst());
        String identity = policy.metadata().qualifiedName() + "|" + limit.name() + "|" + rate
            + "|" + limit.key() + (global ? "|global|" + failOpen : "");
        RateLimiter limiter = limiters.get(identity);
        if (limiter == null) {
          limiter = global ? global(policy.metadata().qualifiedName(), limit.name(), rate,
              failOpen) : new LocalRateLimiter(rate, maxKeysPerLimit, clock);
        }
        next.put(identity, limiter);
        bound.add(new BoundLimit(policy.metadata().qualifiedName(), limit.name(),
            describe(limit, global), key(limit.key(), trusted), limiter));
      }
      targeted.add(new Targeted(policy.metadata(), spec.targetRefs(), bound));
    }
    limiters = Map.copyOf(next);
    return new Compiled(gateway, targeted);
  }

  private GlobalRateLimiter global(String policy, String limit, Rate rate, boolean failOpen) {
    if (leases.source() == null) {
      LOG.warn("RateLimitPolicy {} limit {}: scope Global needs the policy engine's leases"
          + " (run with --control-plane); without them it fails {}", policy, limit, failOpen
          ? "open (failureMode Open): enforced per replica, like scope Local"
          : "closed (failureMode Closed): every request it applies to is refused with 429");
    }
    return new GlobalRateLimiter(policy, limit, rate, failOpen, leases, maxKeysPerLimit, clock);
  }

  private static String describe(RateLimitPolicy.Limit limit, boolean global) {
    String text = limit.requests() + " requests per " + limit.unit();
    text = limit.burst() == null || limit.burst() == 0 ? text : text + ", burst " + limit.burst();
    return global ? text + ", global" : text;
  }

  private static RateKey key(RateLimitPolicy.Key key, List<CidrBlock> trusted) {
    return switch (key.type()) {
      case "ClientAddress" -> new ClientAddressKey(trusted);
      case "Header" -> RateKey.header(key.name());
      case "JwtClaim" -> RateKey.claim(key.name());
      case "Principal" -> RateKey.principal();
      case "Route" -> RateKey.route();
      default -> throw new IllegalArgumentException("key.type: " + key.type()
          + " (expected: a type the validator accepts)");
    };
  }

  private record Targeted(ObjectMeta metadata, List<TargetRef> targets, List<BoundLimit> limits) {}

  /** The limits of one compile, by what they target. */
  public static final class Compiled {

    private final Gateway gateway;
    private final List<Targeted> policies;

    private Compiled(Gateway gateway, List<Targeted> policies) {
      this.gateway = gateway;
      this.policies = policies;
    }

    /**
     * The rate-limit filter for one route rule, or null when no policy targets it.
     *
     * @param routeKind {@code HTTPRoute} or {@code GRPCRoute}
     * @param route the route's metadata
     * @param attachedTo whether the route attaches to the named listener of the gateway
     * @param backends the rule's backends as {@code namespace/name}
     */
    public HttpFilter filterFor(String routeKind, ObjectMeta route,
        Predicate<String> attachedTo, List<String> backends) {
      List<BoundLimit> limits = new ArrayList<>();
      for (Targeted policy : policies) {
        if (policy.targets().stream().anyMatch(
            target -> targets(target, policy.metadata().namespace(), routeKind, route,
                attachedTo, backends))) {
          limits.addAll(policy.limits());
        }
      }
      return limits.isEmpty() ? null : new RateLimitFilter(limits);
    }

    private boolean targets(TargetRef target, String namespace, String routeKind,
        ObjectMeta route, Predicate<String> attachedTo, List<String> backends) {
      return switch (target.kind()) {
        case "Gateway" -> target.name().equals(gateway.metadata().name())
            && namespace.equals(gateway.metadata().namespace())
            && (target.sectionName() == null || attachedTo.test(target.sectionName()));
        case "Service" -> backends.contains(namespace + "/" + target.name());
        default -> target.kind().equals(routeKind) && target.name().equals(route.name())
            && namespace.equals(route.namespace());
      };
    }
  }
}
