package dev.crossgate.policy.server.store;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.model.ObjectMeta;
import dev.crossgate.policy.model.Resource;
import java.util.Comparator;

/**
 * What identifies a resource in the store: its kind, namespace and name.
 *
 * @param kind the kind as written in YAML, e.g. {@code HTTPRoute}
 * @param namespace the namespace; {@code default} when null
 * @param name the name
 */
public record ResourceKey(String kind, String namespace, String name) implements Comparable<ResourceKey> {

  private static final Comparator<ResourceKey> ORDER =
      Comparator.comparing(ResourceKey::kind)
          .thenComparing(ResourceKey::namespace)
          .thenComparing(ResourceKey::name);

  public ResourceKey {
    requireNonNull(kind, "kind");
    requireNonNull(name, "name");
    namespace = namespace == null ? ObjectMeta.DEFAULT_NAMESPACE : namespace;
  }

  /** The key of a resource. */
  public static ResourceKey of(Resource resource) {
    requireNonNull(resource, "resource");
    return new ResourceKey(
        resource.kind(), resource.metadata().namespace(), resource.metadata().name());
  }

  /** Parses the {@link #toString()} form {@code kind/namespace/name}. */
  public static ResourceKey parse(String text) {
    requireNonNull(text, "text");
    String[] parts = text.split("/", 3);
    if (parts.length != 3) {
      throw new IllegalArgumentException("key: " + text + " (expected: kind/namespace/name)");
    }
    return new ResourceKey(parts[0], parts[1], parts[2]);
  }

  /** The reference used in problems and messages, e.g. {@code HTTPRoute shop/users}. */
  public String ref() {
    return kind + " " + namespace + "/" + name;
  }

  @Override
  public int compareTo(ResourceKey other) {
    return ORDER.compare(this, other);
  }

  /** {@code kind/namespace/name}. */
  @Override
  public String toString() {
    return kind + "/" + namespace + "/" + name;
  }
}
