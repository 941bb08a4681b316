package dev.crossgate.policy.server.ratelimit;

/**
 * How many tokens one lease gets: what was asked for, but never more than an eighth of what is
 * left of the window's budget (at least one while any is left). Leases are large while the budget
 * is plentiful and shrink to single tokens as it runs out, so little is stranded in a gateway
 * that stops receiving traffic while another refuses.
 */
final class LeaseGrants {

  /** A lease takes at most {@code 1 / SHARE} of what is left. */
  static final long SHARE = 8;

  private LeaseGrants() {}

  /**
   * The grant for a request of {@code requested} tokens when {@code remaining} are left.
   *
   * @return 0 when nothing is left, else 1..min(requested, remaining)
   */
  static long size(long requested, long remaining) {
    if (remaining <= 0 || requested <= 0) {
      return 0;
    }
    return Math.min(requested, Math.max(1, remaining / SHARE));
  }
}
