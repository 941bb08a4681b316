package dev.crossgate.routing.authz;

import dev.crossgate.policy.cel.CompiledCondition;
import dev.crossgate.policy.cel.ConditionEvaluationException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One policy ready to evaluate: an {@code AuthorizationPolicy} or a {@code RoleBinding} with its
 * Role. It matches when one of its rules matches and, when it has one, its CEL condition holds.
 * A condition that fails to evaluate counts as a match for DENY and as no match otherwise, so an
 * error never opens a door. Immutable and thread-safe.
 */
public final class CompiledPolicy {

  private final String name;
  private final Action action;
  private final boolean dryRun;
  private final RequestPredicate[] rules;
  private final CompiledCondition condition;
  private final Decision[] decisions;

  /**
   * A policy.
   *
   * @param name how decisions name it, e.g. {@code AuthorizationPolicy default/admins}
   * @param action what a match does
   * @param dryRun whether the decision is only recorded
   * @param rules the rules; none never matches
   * @param condition the CEL condition, or null
   */
  CompiledPolicy(String name, Action action, boolean dryRun, List<RequestPredicate> rules,
      CompiledCondition condition) {
    this.name = Objects.requireNonNull(name, "name");
    this.action = Objects.requireNonNull(action, "action");
    this.dryRun = dryRun;
    this.rules = rules.toArray(RequestPredicate[]::new);
    this.condition = condition;
    this.decisions = new Decision[this.rules.length];
    for (int i = 0; i < decisions.length; i++) {
      decisions[i] = action == Action.AUDIT ? null : new Decision(action == Action.ALLOW, name, i,
          (action == Action.ALLOW ? "allowed by " : "denied by ") + name + " rule " + i,
          List.of(), null);
    }
  }

  /** How decisions name this policy, e.g. {@code AuthorizationPolicy default/admins}. */
  public String name() {
    return name;
  }

  /** What a match does. */
  public Action action() {
    return action;
  }

  /** Whether the decision is only recorded, not enforced. */
  public boolean dryRun() {
    return dryRun;
  }

  /**
   * The index of the first matching rule, or -1.
   *
   * @param activation the CEL variables, built once per request on demand
   */
  int match(AuthzRequest request, Activation activation) {
    for (int i = 0; i < rules.length; i++) {
      if (rules[i].test(request)) {
        return conditionHolds(request, activation) ? i : -1;
      }
    }
    return -1;
  }

  private boolean conditionHolds(AuthzRequest request, Activation activation) {
    if (condition == null) {
      return true;
    }
    try {
      return condition.evaluate(activation.variables(request));
    } catch (ConditionEvaluationException e) {
      activation.failed(name, e.getMessage());
      return action == Action.DENY;
    }
  }

  /**
   * The decision this policy makes when its rule {@code rule} matches, built once: the same
   * object for every request it decides (no per-request strings).
   */
  Decision decisionFor(int rule) {
    return decisions[rule];
  }

  /** The CEL variables of one request, each built at most once and only if read. */
  static final class Activation {
    private final Instant now;
    private CelVariables variables;
    private String failure;

    Activation(Instant now) {
      this.now = now;
    }

    CelVariables variables(AuthzRequest request) {
      if (variables == null) {
        variables = new CelVariables(request, now);
      }
      return variables;
    }

    void failed(String policy, String message) {
      failure = failure == null ? policy + ": " + message : failure;
    }

    /** The first condition evaluation failure, or null. */
    String failure() {
      return failure;
    }
  }
}
