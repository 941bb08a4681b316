package dev.crossgate.policy.server.ca;

/** Where a mesh root is in its life: trusted before it signs, signing, trusted after, retired. */
public enum RootState {
  /** Trusted by every node, not yet signing: waiting until every connected node trusts it. */
  INCOMING,
  /** Signs new workload certificates; trusted. */
  SIGNING,
  /** Trusted, no longer signing: waiting until no connected node's certificate chains to it. */
  OUTGOING,
  /** Out of the trust bundle. Kept in the history only. */
  RETIRED;

  /** The lower-case name the API shows. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
