package dev.crossgate.policy.server.migration;

import dev.crossgate.policy.model.MeshMigration;
import dev.crossgate.policy.server.migration.TrafficBook.NodeCounters;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Notices when a service's {@code MeshMigration} changes stage or weight and keeps, for its last
 * two changes, every node's counters at that moment: the last change splits the evidence into
 * "before" (since the change before it) and "after". Changes are seen as revisions land on this
 * engine; the state at engine start is the starting point, not a change. Thread-safe.
 */
final class MigrationChanges {

  /**
   * One change of a migration.
   *
   * @param revision the revision that made it
   * @param time when this engine saw it
   * @param from the stage and weight before ({@code off/0}), or {@code none} for a new migration
   * @param to the stage and weight after
   * @param atChange per node id, its counters when the change landed
   */
  record Change(long revision, Instant time, String from, String to,
      Map<String, NodeCounters> atChange) {

    Change {
      atChange = Map.copyOf(atChange);
    }
  }

  private final Map<String, String> states = new HashMap<>();
  private final Map<String, Deque<Change>> changes = new HashMap<>();
  private long revision = -1;

  /** The key of a migrated service: {@code namespace/name}. */
  static String keyOf(MeshMigration migration) {
    return migration.serviceNamespace() + "/" + migration.spec().service().name();
  }

  /** {@code stage/weight}, e.g. {@code permissive/25}. */
  static String stateOf(MeshMigration migration) {
    return migration.stage().map(Enum::name).orElse("?") + "/" + migration.effectiveMeshWeight();
  }

  /**
   * Takes the migrations of {@code revision}; {@code initial} for the state at start (recorded,
   * not a change). Older revisions than the last seen are ignored.
   */
  synchronized void observe(long revision, List<MeshMigration> migrations, boolean initial,
      TrafficBook book, Instant now) {
    if (revision <= this.revision) {
      return;
    }
    boolean first = this.revision < 0;
    this.revision = revision;
    Set<String> present = new HashSet<>();
    for (MeshMigration migration : migrations) {
      if (migration.spec() == null || migration.spec().service() == null) {
        continue;
      }
      String key = keyOf(migration);
      present.add(key);
      String state = stateOf(migration);
      String before = states.put(key, state);
      if (initial || first || state.equals(before)) {
        continue;
      }
      Deque<Change> history = changes.computeIfAbsent(key, k -> new ArrayDeque<>(2));
      history.addFirst(new Change(revision, now, before == null ? "none" : before, state,
          book.service(migration.serviceNamespace(), migration.spec().service().name())));
      while (history.size() > 2) {
        history.removeLast();
      }
    }
    states.keySet().retainAll(present);
    changes.keySet().retainAll(present);
  }

  /** The last change of {@code key}, or null when none was seen since start. */
  synchronized Change last(String key) {
    Deque<Change> history = changes.get(key);
    return history == null ? null : history.peekFirst();
  }

  /** The change before the last, or null. */
  synchronized Change previous(String key) {
    Deque<Change> history = changes.get(key);
    return history == null || history.size() < 2 ? null : history.peekLast();
  }
}
