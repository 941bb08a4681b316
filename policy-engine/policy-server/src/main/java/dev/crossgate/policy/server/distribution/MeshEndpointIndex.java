package dev.crossgate.policy.server.distribution;

import dev.crossgate.policy.distribution.v1.Endpoint;
import dev.crossgate.policy.server.distribution.MeshEndpointMemory.Remembered;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Service discovery for the mesh: per service ({@code namespace/name}), the inbound endpoints of
 * its live, ready, non-draining sidecars, derived from the node records every engine shares (so
 * every engine of a cluster computes the same sets). Listeners hear which services' sets changed.
 *
 * <p>A sidecar whose active health check finds its app unhealthy is left out while another
 * sidecar of its service serves (one kept from before a restart counts as serving). When every
 * sidecar of a service reports an unhealthy app, those whose Service fails open
 * ({@code healthCheck.failOpen}, the default) are all kept; with {@code failOpen: false} the set
 * is empty.
 *
 * <p>An engine that restarts knows no sidecar until each reconnects. So that the snapshots it
 * sends meanwhile do not drop live endpoints, it starts from the endpoints it served before
 * ({@link #keepProvisionally}): each stays in its service's set, provisionally, until its
 * sidecar registers again (a record with the same node id that advertises an endpoint or
 * drains) or until the grace ends, whichever comes first. Every set it computes is handed to a
 * {@link MeshEndpointMemory} when one is given. Thread-safe.
 */
final class MeshEndpointIndex {

  private static final Logger LOG = LoggerFactory.getLogger(MeshEndpointIndex.class);
  private static final Comparator<Endpoint> ORDER = Comparator.comparing(Endpoint::getAddress)
      .thenComparingInt(Endpoint::getPort);

  private final List<Consumer<Set<String>>> listeners = new CopyOnWriteArrayList<>();
  private final MeshEndpointMemory memory;
  private final LongSupplier nanoTime;
  private volatile Map<String, List<Endpoint>> sets = Map.of();
  /** Endpoints kept from before a restart whose sidecars have not registered again. */
  private List<Remembered> provisional = List.of();
  /** What was last handed to the memory. */
  private Set<Remembered> remembered = Set.of();
  /** The {@link System#nanoTime()} the provisional endpoints are dropped at. */
  private long provisionalUntil;

  /** An index that remembers nothing. */
  MeshEndpointIndex() {
    this(null, System::nanoTime);
  }

  /** An index that hands every set to {@code memory} (null for none), timed by {@code nanoTime}. */
  MeshEndpointIndex(MeshEndpointMemory memory, LongSupplier nanoTime) {
    this.memory = memory;
    this.nanoTime = nanoTime;
  }

  /**
   * Keeps {@code endpoints} (served before a restart) in their services' sets for
   * {@code graceNanos}, or until their sidecars register again. Call it once, before the first
   * {@link #refresh}.
   */
  synchronized void keepProvisionally(List<Remembered> endpoints, long graceNanos) {
    provisional = List.copyOf(endpoints);
    provisionalUntil = nanoTime.getAsLong() + graceNanos;
    if (!provisional.isEmpty()) {
      LOG.info("keeping {} mesh endpoint(s) served before this start for up to {} ms, until "
          + "their sidecars register again", provisional.size(), graceNanos / 1_000_000);
    }
  }

  /** How many endpoints are kept from before a restart now. */
  synchronized int provisionalCount() {
    return provisional.size();
  }

  /** The endpoints kept from before a restart now. */
  synchronized List<Remembered> provisional() {
    return provisional;
  }

  /** {@link #refresh(Supplier, Supplier)} without endpoints kept by other engines. */
  void refresh(Supplier<? extends Collection<NodeRecord>> book) {
    refresh(book, List::of);
  }

  /**
   * Recomputes the sets from the node records {@code book} gives now; tells listeners which
   * services changed. The records are read under the index's lock: refreshes run on any thread
   * (each node stream's event loop, the cluster's listeners), and one that read the records
   * earlier must not publish them over a later one's. The endpoints {@code keptByOthers} gives
   * (kept from before a restart by other engines of the cluster) are in the sets too, until
   * their sidecars register again.
   */
  void refresh(Supplier<? extends Collection<NodeRecord>> book,
      Supplier<List<Remembered>> keptByOthers) {
    Set<String> changed;
    synchronized (this) {
      Collection<NodeRecord> records = book.get();
      retireProvisional(records);
      List<Remembered> othersKept = keptByOthers.get();
      if (!othersKept.isEmpty()) {
        Set<String> registered = registered(records);
        othersKept = othersKept.stream().filter(kept -> !registered.contains(kept.nodeId()))
            .toList();
      }
      Map<String, List<Endpoint>> next = new TreeMap<>();
      List<Remembered> served = new ArrayList<>();
      Map<String, List<NodeRecord>> unhealthy = new TreeMap<>();
      for (NodeRecord record : records) {
        if (record.servesMesh() && record.appUnhealthy()) {
          unhealthy.computeIfAbsent(record.meshService(), k -> new ArrayList<>()).add(record);
        } else if (record.servesMesh()) {
          next.computeIfAbsent(record.meshService(), k -> new ArrayList<>())
              .add(endpoint(record.inboundAddress(), record.inboundPort()));
          served.add(new Remembered(record.nodeId(), record.meshService(),
              record.inboundAddress(), record.inboundPort()));
        }
      }
      for (List<Remembered> keptList : List.of(provisional, othersKept)) {
        for (Remembered kept : keptList) {
          next.computeIfAbsent(kept.service(), k -> new ArrayList<>())
              .add(endpoint(kept.address(), kept.port()));
          served.add(kept);
        }
      }
      for (Map.Entry<String, List<NodeRecord>> held : unhealthy.entrySet()) {
        if (next.containsKey(held.getKey())) {
          continue; // a healthy sidecar serves: the unhealthy ones stay out
        }
        // Every sidecar of the service reports an unhealthy app: those that fail open stay in,
        // so that a broken health endpoint does not take the whole service down.
        for (NodeRecord record : held.getValue()) {
          if (record.appFailOpen()) {
            next.computeIfAbsent(record.meshService(), k -> new ArrayList<>())
                .add(endpoint(record.inboundAddress(), record.inboundPort()));
            served.add(new Remembered(record.nodeId(), record.meshService(),
                record.inboundAddress(), record.inboundPort()));
          }
        }
      }
      if (memory != null && !remembered.equals(new HashSet<>(served))) {
        remembered = Set.copyOf(served);
        // only when the set changed, not at every ACK of a cluster; once each (own and others'
        // kept endpoints may name the same sidecar)
        memory.remember(List.copyOf(new LinkedHashSet<>(served)));
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

  /** Drops the kept endpoints whose sidecars registered again, or all once the grace ended. */
  private void retireProvisional(Collection<NodeRecord> records) {
    if (provisional.isEmpty()) {
      return;
    }
    if (nanoTime.getAsLong() - provisionalUntil >= 0) {
      LOG.info("grace ended: dropping {} mesh endpoint(s) served before this start whose "
          + "sidecars did not register again: {}", provisional.size(), provisional);
      provisional = List.of();
      return;
    }
    Set<String> registered = registered(records);
    provisional = provisional.stream().filter(kept -> !registered.contains(kept.nodeId()))
        .toList();
  }

  /** The sidecars that registered: they advertise an endpoint or drain. */
  private static Set<String> registered(Collection<NodeRecord> records) {
    Set<String> registered = new HashSet<>();
    for (NodeRecord record : records) {
      if (record.meshService() != null && (record.servesMesh() || record.draining())) {
        registered.add(record.nodeId());
      }
    }
    return registered;
  }

  private static Endpoint endpoint(String address, int port) {
    return Endpoint.newBuilder().setAddress(address).setPort(port).build();
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
