package dev.crossgate.policy.server.distribution;

import dev.crossgate.policy.distribution.v1.Endpoint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Service discovery for the mesh: per service ({@code namespace/name}), the inbound endpoints of
 * its live, ready, non-draining sidecars, derived from the node records every engine shares (so
 * every engine of a cluster computes the same sets). Listeners hear which services' sets changed.
 * Thread-safe.
 */
final class MeshEndpointIndex {

  private static final Comparator<Endpoint> ORDER = Comparator.comparing(Endpoint::getAddress)
      .thenComparingInt(Endpoint::getPort);

  private final List<Consumer<Set<String>>> listeners = new CopyOnWriteArrayList<>();
  private volatile Map<String, List<Endpoint>> sets = Map.of();

  /** Recomputes the sets from {@code records}; tells listeners which services changed. */
  void refresh(Collection<NodeRecord> records) {
    Set<String> changed;
    synchronized (this) {
      Map<String, List<Endpoint>> next = new TreeMap<>();
      for (NodeRecord record : records) {
        if (record.servesMesh()) {
          next.computeIfAbsent(record.meshService(), k -> new ArrayList<>())
              .add(Endpoint.newBuilder().setAddress(record.inboundAddress())
                  .setPort(record.inboundPort()).build());
        }
      }
      next.replaceAll((service, endpoints) -> endpoints.stream().distinct().sorted(ORDER)
          .toList());
      Map<String, List<Endpoint>> previous = sets;
      changed = new HashSet<>();
      for (String service : previous.keySet()) {
        if (!previous.get(service).equals(next.get(service))) {
          changed.add(service);
        }
      }
      for (String service : next.keySet()) {
        if (!previous.containsKey(service)) {
          changed.add(service);
        }
      }
      if (changed.isEmpty()) {
        return;
      }
      sets = Map.copyOf(next);
    }
    Set<String> frozen = Set.copyOf(changed);
    listeners.forEach(listener -> listener.accept(frozen));
  }

  /** The endpoints of {@code service} ({@code namespace/name}), sorted; empty when none. */
  List<Endpoint> endpoints(String service) {
    return sets.getOrDefault(service, List.of());
  }

  /** Every service with endpoints, and its endpoints. */
  Map<String, List<Endpoint>> all() {
    return sets;
  }

  /** Calls {@code listener} (on any thread) with the services whose sets changed. */
  AutoCloseable onChange(Consumer<Set<String>> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }
}
