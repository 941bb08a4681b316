package dev.crossgate.policy.server.store;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.model.PolicyBundle;

/**
 * The whole policy as of one revision.
 *
 * @param revision the revision number
 * @param bundle every resource of that revision, ordered by kind, namespace and name
 */
public record Snapshot(long revision, PolicyBundle bundle) {

  public Snapshot {
    requireNonNull(bundle, "bundle");
  }
}
