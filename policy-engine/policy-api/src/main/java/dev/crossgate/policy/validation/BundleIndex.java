package dev.crossgate.policy.validation;

import dev.crossgate.policy.model.Gateway;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.model.Service;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/** Looks up the gateways and services of a bundle by namespace and name (first one wins). */
final class BundleIndex {

  /**
   * A resource's namespace and name: built per resource of the bundle on every validation, so a
   * pair of the strings the resource already holds (their hashes cached) instead of a new
   * {@code namespace/name} string per resource.
   */
  private record Key(String namespace, String name) {}

  private final Map<Key, Gateway> gateways = new LinkedHashMap<>();
  private final Map<Key, Service> services = new LinkedHashMap<>();
  private final Map<String, Map<Key, Resource>> byKind = new LinkedHashMap<>();

  BundleIndex(PolicyBundle bundle) {
    for (Resource resource : bundle.resources()) {
      if (resource.metadata() == null || resource.metadata().name() == null) {
        continue;
      }
      Key key = new Key(resource.metadata().namespace(), resource.metadata().name());
      byKind.computeIfAbsent(resource.kind(), k -> new LinkedHashMap<>()).putIfAbsent(key, resource);
      if (resource instanceof Gateway gateway) {
        gateways.putIfAbsent(key, gateway);
      } else if (resource instanceof Service service) {
        services.putIfAbsent(key, service);
      }
    }
  }

  Optional<Gateway> gateway(String namespace, String name) {
    return Optional.ofNullable(gateways.get(new Key(namespace, name)));
  }

  Optional<Service> service(String namespace, String name) {
    return Optional.ofNullable(services.get(new Key(namespace, name)));
  }

  /** The resource of a kind with this namespace and name (first one wins). */
  Optional<Resource> find(String kind, String namespace, String name) {
    return Optional.ofNullable(byKind.getOrDefault(kind, Map.of()).get(new Key(namespace, name)));
  }

  /** The names of the resources of a kind in a namespace, sorted, for "known: …" hints. */
  String namesOf(String kind, String namespace) {
    return namesIn(byKind.getOrDefault(kind, Map.of()), namespace);
  }

  List<Gateway> gateways() {
    return List.copyOf(gateways.values());
  }

  /** The names of the gateways in a namespace, sorted, for "known: …" hints. */
  String gatewayNames(String namespace) {
    return namesIn(gateways, namespace);
  }

  /** The names of the services in a namespace, sorted, for "known: …" hints. */
  String serviceNames(String namespace) {
    return namesIn(services, namespace);
  }

  /** The listener names of a gateway, in order. */
  static List<String> listenerNames(Gateway gateway) {
    if (gateway.spec() == null) {
      return List.of();
    }
    return gateway.spec().listeners().stream()
        .map(Gateway.Listener::name)
        .filter(Objects::nonNull)
        .toList();
  }

  private static String namesIn(Map<Key, ? extends Resource> byKey, String namespace) {
    TreeSet<String> names = new TreeSet<>();
    for (Resource resource : byKey.values()) {
      if (resource.metadata().namespace().equals(namespace)) {
        names.add(resource.metadata().name());
      }
    }
    return names.isEmpty() ? "none" : String.join(", ", names);
  }
}
