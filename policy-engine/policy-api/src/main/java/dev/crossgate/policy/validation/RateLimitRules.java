package dev.crossgate.policy.validation;

import dev.crossgate.policy.model.RateLimitPolicy;
import dev.crossgate.policy.model.RateLimitPolicy.Limit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Checks a {@code RateLimitPolicy}: targets, limits and their keys, scope, trusted proxies. */
final class RateLimitRules {

  /** One token per nanosecond: the finest rate the buckets keep. */
  private static final int MAX_PER_SECOND = 1_000_000_000;

  private static final List<String> NAMED_KEYS = List.of("Header", "JwtClaim");

  private RateLimitRules() {}

  static void check(RateLimitPolicy policy, BundleIndex index, ProblemList problems) {
    if (policy.metadata() == null) {
      return;
    }
    FieldChecks checks = new FieldChecks(policy, problems);
    RateLimitPolicy.Spec spec = policy.spec();
    if (spec == null) {
      checks.expected("spec", null, "a mapping with targetRefs and limits");
      return;
    }
    TargetRefRules.check(checks, spec.targetRefs(), TargetRefRules.ROUTABLE_KINDS, index);
    checks.oneOf("spec.scope", spec.scope(), RateLimitPolicy.Spec.class, "scope");
    checks.oneOf("spec.failureMode", spec.failureMode(), RateLimitPolicy.Spec.class, "failureMode");
    if (spec.failureMode() != null && !"Global".equals(spec.scope())) {
      problems.add(
          policy, "spec.failureMode", "set (expected: only with scope Global; local limits never wait on the policy engine)");
    }
    AuthorizationPolicyRules.cidrs(checks, "spec.trustedProxies", spec.trustedProxies());
    if (!spec.trustedProxies().isEmpty() && spec.limits().stream().noneMatch(
        limit -> limit != null && limit.key() != null
            && "ClientAddress".equals(limit.key().type()))) {
      problems.add(policy, "spec.trustedProxies", "set (expected: only with a limit keyed by"
          + " ClientAddress; X-Forwarded-For is read for no other key)");
    }
    if (spec.limits().isEmpty()) {
      checks.expected("spec.limits", spec.limits(), "at least one limit");
    }
    Map<String, Integer> names = new HashMap<>();
    for (int i = 0; i < spec.limits().size(); i++) {
      Limit limit = spec.limits().get(i);
      String path = "spec.limits[" + i + "]";
      if (limit == null) {
        checks.expected(path, null, "a limit");
        continue;
      }
      if (!NameSyntax.isDnsLabel(limit.name())) {
        checks.expected(path + ".name", limit.name(), "a DNS-1123 label, e.g. per-client");
      } else {
        Integer first = names.putIfAbsent(limit.name(), i);
        if (first != null) {
          checks.expected(path + ".name", limit.name(), "a unique limit name; also spec.limits[" + first + "]");
        }
      }
      checkKey(checks, limit.key(), path + ".key");
      if (limit.requests() == null || limit.requests() < 1) {
        checks.expected(path + ".requests", limit.requests(), "> 0");
      } else if ("Second".equals(limit.unit()) && limit.requests() > MAX_PER_SECOND) {
        checks.expected(path + ".requests", limit.requests(),
            "<= " + MAX_PER_SECOND + " per Second");
      }
      if (limit.unit() == null) {
        checks.expected(path + ".unit", null, "one of Second, Minute, Hour");
      } else {
        checks.oneOf(path + ".unit", limit.unit(), Limit.class, "unit");
      }
      checks.atLeast(path + ".burst", limit.burst(), 0);
      if ("Global".equals(spec.scope()) && limit.burst() != null && limit.burst() > 0) {
        checks.expected(path + ".burst", limit.burst(), "0 or unset with scope Global; a global"
            + " limit admits `requests` per fixed window of one unit");
      }
    }
  }

  private static void checkKey(FieldChecks checks, RateLimitPolicy.Key key, String path) {
    if (key == null || key.type() == null) {
      checks.expected(path + ".type", null, "one of ClientAddress, Header, JwtClaim, Principal, Route");
      return;
    }
    if (!checks.oneOf(path + ".type", key.type(), RateLimitPolicy.Key.class, "type")) {
      return;
    }
    if (NAMED_KEYS.contains(key.type())) {
      boolean header = key.type().equals("Header");
      if (header ? !NameSyntax.isToken(key.name()) : key.name() == null || key.name().isBlank()) {
        checks.expected(path + ".name", key.name(), header ? "a header name for type Header" : "a claim name for type JwtClaim");
      }
    } else if (key.name() != null) {
      checks.problems().add(checks.resource(), path + ".name", "set (expected: only for type Header or JwtClaim)");
    }
  }
}
