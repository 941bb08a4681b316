package dev.crossgate.policy.model;

import java.util.List;
import java.util.Optional;

/**
 * A set of resources read together (one file, a folder, or one API batch).
 *
 * @param resources the resources, in the order they were read
 */
public record PolicyBundle(List<Resource> resources) {

  public PolicyBundle {
    resources = List.copyOf(resources);
  }

  /** The resources of one kind, in order. */
  public <T extends Resource> List<T> ofKind(Class<T> kind) {
    return resources.stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  /** The service with this namespace and name, if present. */
  public Optional<Service> service(String namespace, String name) {
    return ofKind(Service.class).stream()
        .filter(s -> s.metadata().namespace().equals(namespace) && s.metadata().name().equals(name))
        .findFirst();
  }
}
