package dev.crossgate.policy.server.store;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What applying (or previewing) a change set did.
 *
 * @param revision the new revision; when nothing changed, the current one (no revision is made)
 * @param changed whether a new revision was made (for a preview: whether one would be)
 * @param changes every resource added, removed or changed, ordered by key
 */
public record ApplyResult(Revision revision, boolean changed, List<ResourceDiff> changes) {

  public ApplyResult {
    requireNonNull(revision, "revision");
    changes = List.copyOf(changes);
  }
}
