package dev.crossgate.policy.server.store;

import dev.crossgate.policy.model.Resource;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The revisioned store of policy resources. Every accepted change set becomes a new numbered
 * {@link Revision}; every revision can be read back, diffed and rolled back to.
 *
 * <p>All methods are asynchronous and safe to call from an event loop. Failures are
 * {@link PolicyStoreException}s: {@link InvalidPolicyException} (the resulting state does not
 * validate), {@link RevisionConflictException} (a stale expected revision) and
 * {@link NotFoundException}.
 */
public interface PolicyStore {

  /**
   * Applies a change set as one new revision. The whole resulting state is validated before
   * anything is written. A change set that changes nothing makes no revision: the result then
   * carries the current revision and {@code changed == false}.
   *
   * @param expectedRevision when present, the revision the caller based the change on; a
   *     different current revision fails with {@link RevisionConflictException}
   */
  Future<ApplyResult> apply(
      ChangeSet changes, OptionalLong expectedRevision, String author, String message);

  /** Validates and diffs a change set against the current state without writing anything. */
  Future<ApplyResult> preview(ChangeSet changes, OptionalLong expectedRevision);

  /** The current revision and all its resources. */
  Future<Snapshot> current();

  /** The state as of a past revision (0 is the empty initial state). */
  Future<Snapshot> at(long revision);

  /** The metadata of one revision. */
  Future<Revision> revision(long number);

  /**
   * Revision metadata, newest first.
   *
   * @param limit at most this many
   * @param before when present, only revisions with a lower number
   */
  Future<List<Revision>> history(int limit, OptionalLong before);

  /** Every resource that differs between two revisions, ordered by key. */
  Future<List<ResourceDiff>> diff(long from, long to);

  /**
   * Makes a new revision whose state equals that of {@code toRevision}. Rolling back to the
   * current state changes nothing and makes no revision.
   */
  Future<ApplyResult> rollback(long toRevision, OptionalLong expectedRevision, String author);

  /** One resource of the current revision. */
  Future<Optional<Resource>> get(String kind, String namespace, String name);

  /**
   * The current revision with only the resources that match; a {@code null} kind or namespace
   * matches all.
   */
  Future<Snapshot> list(String kind, String namespace, LabelSelector selector);

  /**
   * Calls {@code listener} for new revisions, made here or by another engine of the same cluster,
   * in increasing order (revisions that land in quick succession may be reported once, as the
   * latest). The listener runs on the Vert.x context that registered it.
   *
   * @return closing it stops the calls
   */
  AutoCloseable onRevision(Consumer<Revision> listener);

  /** Releases what the store holds (for Infinispan: the cache manager, when the store owns it). */
  Future<Void> close();

  /**
   * The engines in this store's cluster view, itself included, or nothing for a store that is not
   * clustered.
   */
  default java.util.List<String> clusterMembers() {
    return java.util.List.of();
  }
}
