package dev.crossgate.policy.server.store;

import static java.util.Objects.requireNonNull;

/**
 * How one resource differs between two revisions.
 *
 * @param key the resource
 * @param change added, removed or changed
 * @param before the resource's JSON in the older revision; {@code null} when added
 * @param after the resource's JSON in the newer revision; {@code null} when removed
 */
public record ResourceDiff(ResourceKey key, Change change, String before, String after) {

  /** The kind of difference. */
  public enum Change {
    ADDED,
    REMOVED,
    CHANGED
  }

  public ResourceDiff {
    requireNonNull(key, "key");
    requireNonNull(change, "change");
  }
}
