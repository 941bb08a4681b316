package dev.crossgate.routing.authz;

import java.util.List;

/**
 * The outcome of authorizing one request.
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
public record Decision(boolean allowed, String policy, int rule, String reason,
    List<String> audits, String dryRun) {

  public Decision {
    audits = List.copyOf(audits);
  }

  /** {@code allow}/{@code deny} with the deciding policy and rule, for the access log. */
  public String summary() {
    return (allowed ? "allow" : "deny") + (policy == null ? " (" + reason + ")"
        : " by " + policy + " rule " + rule);
  }
}
