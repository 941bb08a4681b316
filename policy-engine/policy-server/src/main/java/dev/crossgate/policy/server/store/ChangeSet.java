package dev.crossgate.policy.server.store;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.model.Resource;
import java.util.List;

/**
 * A batch of changes applied as one revision: resources to create or replace, and resources to
 * delete. Applied whole or not at all.
 *
 * @param puts resources to create or replace, matched by {@link ResourceKey}
 * @param deletes resources to delete; each must exist
 */
public record ChangeSet(List<Resource> puts, List<ResourceKey> deletes) {

  public ChangeSet {
    puts = List.copyOf(requireNonNull(puts, "puts"));
    deletes = List.copyOf(requireNonNull(deletes, "deletes"));
  }

  /** A change set that creates or replaces these resources. */
  public static ChangeSet puts(List<? extends Resource> resources) {
    return new ChangeSet(List.copyOf(resources), List.of());
  }

  /** A change set that creates or replaces these resources. */
  public static ChangeSet puts(Resource... resources) {
    return puts(List.of(resources));
  }

  /** A change set that deletes these resources. */
  public static ChangeSet deletes(ResourceKey... keys) {
    return new ChangeSet(List.of(), List.of(keys));
  }

  /** Whether there is nothing to do. */
  public boolean isEmpty() {
    return puts.isEmpty() && deletes.isEmpty();
  }
}
