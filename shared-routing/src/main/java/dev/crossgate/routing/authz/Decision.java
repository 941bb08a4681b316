package dev.crossgate.routing.authz;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of authorizing one request. The decisions a policy or a default makes with
 * nothing request-specific to add are built once and shared by every request they decide, with
 * their {@link #summary()} computed once too. Immutable; equal when all fields are equal.
 */
public final class Decision {

  private final boolean allowed;
  private final String policy;
  private final int rule;
  private final String reason;
  private final List<String> audits;
  private final String dryRun;
  private final String summary;

  /**
   * A decision.
   *
   * @param allowed whether the request may go on
   * @param policy the deciding policy (e.g. {@code AuthorizationPolicy default/deny-admin}), or
   *     null when a default decided
   * @param rule the index of the deciding rule, or -1
   * @param reason a sentence for the problem detail and the access log
   * @param audits the AUDIT policies that matched, each {@code name rule i}
   * @param dryRun what the dry-run policies would have decided, or null when none targets the
   *     request
   */
  public Decision(boolean allowed, String policy, int rule, String reason, List<String> audits,
      String dryRun) {
    this.allowed = allowed;
    this.policy = policy;
    this.rule = rule;
    this.reason = reason;
    this.audits = List.copyOf(audits);
    this.dryRun = dryRun;
    this.summary = (allowed ? "allow" : "deny") + (policy == null ? " (" + reason + ")"
        : " by " + policy + " rule " + rule);
  }

  /** Whether the request may go on. */
  public boolean allowed() {
    return allowed;
  }

  /** The deciding policy, or null when a default decided. */
  public String policy() {
    return policy;
  }

  /** The index of the deciding rule, or -1. */
  public int rule() {
    return rule;
  }

  /** A sentence for the problem detail and the access log. */
  public String reason() {
    return reason;
  }

  /** The AUDIT policies that matched, each {@code name rule i}. */
  public List<String> audits() {
    return audits;
  }

  /** What the dry-run policies would have decided, or null. */
  public String dryRun() {
    return dryRun;
  }

  /** {@code allow}/{@code deny} with the deciding policy and rule, for the access log. */
  public String summary() {
    return summary;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Decision d && allowed == d.allowed && rule == d.rule
        && Objects.equals(policy, d.policy) && Objects.equals(reason, d.reason)
        && audits.equals(d.audits) && Objects.equals(dryRun, d.dryRun);
  }

  @Override
  public int hashCode() {
    return Objects.hash(allowed, policy, rule, reason, audits, dryRun);
  }

  @Override
  public String toString() {
    return "Decision[allowed=" + allowed + ", policy=" + policy + ", rule=" + rule + ", reason="
        + reason + ", audits=" + audits + ", dryRun=" + dryRun + "]";
  }
}
