package dev.crossgate.routing.authz;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The authorization decision for one target, compiled once from the configuration snapshot and
 * shared by every request (gateway and sidecar alike). Order, as in Istio: a matching DENY
 * policy denies; then, if any ALLOW policy or RoleBinding targets the request (or the target is
 * default-deny), one must match or the request is denied; otherwise the request is allowed.
 * AUDIT policies and dry-run policies are evaluated too and only recorded. Immutable.
 */
public final class AuthorizationEngine {

  private static final Decision NO_ALLOW_POLICY = new Decision(true, null, -1,
      "no ALLOW policy targets this request", List.of(), null);
  private static final Decision DEFAULT_DENY = new Decision(false, null, -1,
      "the target is default-deny and no ALLOW policy matches", List.of(), null);

  private final List<CompiledPolicy> deny;
  private final Decision noAllowMatches;
  private final List<CompiledPolicy> allow;
  private final List<CompiledPolicy> audit;
  private final List<CompiledPolicy> dryRun;
  private final boolean defaultDeny;

  /**
   * An engine over these policies.
   *
   * @param policies the policies that target this request's target
   * @param defaultDeny whether a request no ALLOW policy matches is denied even when no ALLOW
   *     policy targets it
   */
  public AuthorizationEngine(List<CompiledPolicy> policies, boolean defaultDeny) {
    List<CompiledPolicy> d = new ArrayList<>();
    List<CompiledPolicy> a = new ArrayList<>();
    List<CompiledPolicy> au = new ArrayList<>();
    List<CompiledPolicy> dry = new ArrayList<>();
    for (CompiledPolicy policy : policies) {
      if (policy.dryRun() && policy.action() != Action.AUDIT) {
        dry.add(policy);
        continue;
      }
      switch (policy.action()) {
        case DENY -> d.add(policy);
        case ALLOW -> a.add(policy);
        case AUDIT -> au.add(policy);
        default -> throw new IllegalStateException(policy.action().name());
      }
    }
    this.deny = List.copyOf(d);
    this.allow = List.copyOf(a);
    this.audit = List.copyOf(au);
    this.dryRun = List.copyOf(dry);
    this.defaultDeny = defaultDeny;
    this.noAllowMatches = new Decision(false, null, -1, "no ALLOW policy matches ("
        + allow.size() + " target this request)", List.of(), null);
  }

  /** Whether this engine can deny anything or records anything (else it needs no filter). */
  public boolean isEmpty() {
    return deny.isEmpty() && allow.isEmpty() && audit.isEmpty() && dryRun.isEmpty()
        && !defaultDeny;
  }

  /** Decides for {@code request} at {@code now} (the CEL {@code now}). */
  public Decision decide(AuthzRequest request, Instant now) {
    CompiledPolicy.Activation activation = new CompiledPolicy.Activation(now);
    Decision enforced = decide(request, activation, deny, allow);
    List<String> audits = List.of();
    for (CompiledPolicy policy : audit) {
      int rule = policy.match(request, activation);
      if (rule >= 0) {
        audits = audits.isEmpty() ? new ArrayList<>(2) : audits;
        audits.add(policy.name() + " rule " + rule);
      }
    }
    String shadow = null;
    if (!dryRun.isEmpty()) {
      List<CompiledPolicy> shadowDeny = new ArrayList<>(deny);
      List<CompiledPolicy> shadowAllow = new ArrayList<>(allow);
      for (CompiledPolicy policy : dryRun) {
        (policy.action() == Action.DENY ? shadowDeny : shadowAllow).add(policy);
      }
      shadow = decide(request, activation, shadowDeny, shadowAllow).summary();
    }
    if (audits.isEmpty() && shadow == null && activation.failure() == null) {
      return enforced; // built once, shared by every request it decides
    }
    String reason = enforced.reason();
    if (activation.failure() != null) {
      reason = reason + "; condition failed: " + activation.failure();
    }
    return new Decision(enforced.allowed(), enforced.policy(), enforced.rule(), reason, audits,
        shadow);
  }

  private Decision decide(AuthzRequest request, CompiledPolicy.Activation activation,
      List<CompiledPolicy> denyPolicies, List<CompiledPolicy> allowPolicies) {
    for (CompiledPolicy policy : denyPolicies) {
      int rule = policy.match(request, activation);
      if (rule >= 0) {
        return policy.decisionFor(rule);
      }
    }
    if (allowPolicies.isEmpty() && !defaultDeny) {
      return NO_ALLOW_POLICY;
    }
    for (CompiledPolicy policy : allowPolicies) {
      int rule = policy.match(request, activation);
      if (rule >= 0) {
        return policy.decisionFor(rule);
      }
    }
    if (allowPolicies.isEmpty()) {
      return DEFAULT_DENY;
    }
    return allowPolicies == allow ? noAllowMatches
        : new Decision(false, null, -1, "no ALLOW policy matches (" + allowPolicies.size()
            + " target this request)", List.of(), null);
  }
}
