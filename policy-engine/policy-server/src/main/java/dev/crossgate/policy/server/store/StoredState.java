package dev.crossgate.policy.server.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The full state of one revision as stored: each resource's canonical JSON by key.
 *
 * @param revision the revision's metadata
 * @param resources key → resource JSON; never modified after construction
 */
record StoredState(Revision revision, SortedMap<ResourceKey, ObjectNode> resources) {

  StoredState {
    resources = Collections.unmodifiableSortedMap(new TreeMap<>(resources));
  }

  static StoredState initial() {
    return new StoredState(Revision.initial(), new TreeMap<>());
  }

  long number() {
    return revision.number();
  }

  /** The resources after applying {@code changes} (key → new JSON, or {@code null} to delete). */
  SortedMap<ResourceKey, ObjectNode> with(Map<ResourceKey, ObjectNode> changes) {
    SortedMap<ResourceKey, ObjectNode> next = new TreeMap<>(resources);
    changes.forEach(
        (key, json) -> {
          if (json == null) {
            next.remove(key);
          } else {
            next.put(key, json);
          }
        });
    return next;
  }
}
