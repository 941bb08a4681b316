package dev.crossgate.policy.distribution;

/**
 * The snapshot a data plane runs: what it reports in {@code Hello} after a reconnect.
 *
 * @param revision the revision, 0 for none
 * @param hash the snapshot hash, empty for none
 */
public record AppliedSnapshot(long revision, String hash) {

  /** Nothing applied yet. */
  public static final AppliedSnapshot NONE = new AppliedSnapshot(0, "");
}
