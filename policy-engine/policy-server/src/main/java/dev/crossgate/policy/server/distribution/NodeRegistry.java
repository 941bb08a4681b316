package dev.crossgate.policy.server.distribution;

import dev.crossgate.policy.distribution.v1.Hello;
import dev.crossgate.policy.distribution.v1.NodeRole;
import dev.crossgate.policy.server.api.Convergence;
import dev.crossgate.policy.server.api.NodeStatus;
import dev.crossgate.policy.server.api.NodeStatusRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Which data planes are connected and which revision each has applied, and a way to wait until
 * every connected node has applied a revision (or refused it). In a cluster every engine counts
 * every node, whichever engine holds its stream (see {@link ClusterNodeBook}). Thread-safe.
 */
public final class NodeRegistry implements NodeStatusRegistry, AutoCloseable {

  private final Vertx vertx;
  private final NodeBook book;
  private final Map<String, Node> nodes = new ConcurrentHashMap<>();
  private final List<Waiter> waiters = new CopyOnWriteArrayList<>();
  private final MeshEndpointIndex meshEndpoints;
  private final MeshEndpointMemory memory;

  /**
   * How long, by default, an engine that restarted keeps the mesh endpoints it served before,
   * waiting for their sidecars to register again.
   */
  public static final Duration MESH_ENDPOINT_GRACE = Duration.ofSeconds(30);

  /** A registry of this engine's own streams, whose waits time out on {@code vertx}'s timers. */
  public NodeRegistry(Vertx vertx) {
    this(vertx, new LocalNodeBook(), null, Duration.ZERO);
  }

  private NodeRegistry(Vertx vertx, NodeBook book, MeshEndpointMemory memory,
      Duration grace) {
    this.vertx = vertx;
    this.book = book;
    this.memory = memory;
    this.meshEndpoints = new MeshEndpointIndex(memory, System::nanoTime);
    if (memory != null) {
      meshEndpoints.keepProvisionally(memory.load(), grace.toNanos());
      refreshMeshEndpoints();
      if (meshEndpoints.provisionalCount() > 0) {
        vertx.setTimer(Math.max(1, grace.toMillis() + 1), id -> refreshMeshEndpoints());
      }
    }
    book.onChange(this::settle);
    book.onChange(this::refreshMeshEndpoints);
  }

  /**
   * A registry of this engine's own streams that remembers the mesh endpoints it serves in
   * {@code dataDirectory} and, when started again, keeps those it served before for
   * {@code grace} or until their sidecars register again (see {@link MeshEndpointIndex}).
   * Reads the data directory: call it off the event loop.
   */
  public static NodeRegistry remembering(Vertx vertx, Path dataDirectory, Duration grace) {
    return new NodeRegistry(vertx, new LocalNodeBook(), MeshEndpointMemory.in(dataDirectory),
        checkGrace(grace));
  }

  /**
   * A registry shared by every engine of {@code manager}'s cluster. Blocks while its cache
   * starts: call it off the event loop.
   */
  public static NodeRegistry clustered(Vertx vertx,
      org.infinispan.manager.EmbeddedCacheManager manager) {
    return new NodeRegistry(vertx, ClusterNodeBook.start(manager), null, Duration.ZERO);
  }

  /**
   * A registry shared by every engine of {@code manager}'s cluster that remembers the mesh
   * endpoints it serves as {@link #remembering} does. Blocks while its cache starts: call it off
   * the event loop.
   */
  public static NodeRegistry clustered(Vertx vertx,
      org.infinispan.manager.EmbeddedCacheManager manager, Path dataDirectory, Duration grace) {
    return new NodeRegistry(vertx, ClusterNodeBook.start(manager),
        MeshEndpointMemory.in(dataDirectory), checkGrace(grace));
  }

  private static Duration checkGrace(Duration grace) {
    if (grace == null || grace.isNegative()) {
      throw new IllegalArgumentException("meshEndpointGrace: " + grace + " (expected: >= 0)");
    }
    return grace;
  }

  /**
   * Stops remembering mesh endpoints (writing the last set first): call it when the engine
   * starts shutting down, before its streams end, so that it remembers what it served.
   */
  public void stopRemembering() {
    if (memory != null) {
      memory.stop();
    }
  }

  /** Leaves the shared status (this engine's records are removed). */
  @Override
  public void close() {
    stopRemembering();
    book.close();
  }

  private static final class Node {
    final String id;
    final String role;
    final String detail;
    final Instant connectedSince = Instant.now();
    final String meshService;
    volatile String inboundAddress;
    volatile int inboundPort;
    volatile boolean draining;
    volatile long appliedRevision = -1;
    volatile long nackedRevision = -1;
    volatile String lastNack;
    volatile java.util.Set<String> heldEndpoints = java.util.Set.of();

    Node(String id, String role, String detail) {
      this.id = id;
      this.role = role;
      this.detail = detail;
      this.meshService = role.equals("sidecar") ? detail : null;
    }
  }

  private record Waiter(long revision, Promise<Convergence> promise) {}

  /** Receives the traffic reports in nodes' heartbeats (see {@code traffic.proto}). */
  @FunctionalInterface
  public interface TrafficListener {
    /** {@code report} came from the node that said {@code hello}; must not block. */
    void reported(Hello hello, dev.crossgate.policy.distribution.v1.TrafficReport report);
  }

  private final List<TrafficListener> trafficListeners = new CopyOnWriteArrayList<>();

  /** Calls {@code listener} with every traffic report a node of this engine sends. */
  public void onTraffic(TrafficListener listener) {
    trafficListeners.add(java.util.Objects.requireNonNull(listener, "listener"));
  }

  /** Hands a node's traffic report to the listeners. */
  void traffic(Hello hello, dev.crossgate.policy.distribution.v1.TrafficReport report) {
    for (TrafficListener listener : trafficListeners) {
      listener.reported(hello, report);
    }
  }

  /** Records a node that said hello; a reconnect replaces the old entry. */
  void connected(String streamKey, Hello hello) {
    String role = hello.getRole() == NodeRole.NODE_ROLE_SIDECAR ? "sidecar" : "gateway";
    String detail = role.equals("sidecar") ? sidecarNamespace(hello) + "/" + hello.getService()
        : hello.getGatewayName();
    Node node = new Node(hello.getNodeId(), role, detail);
    if (hello.hasInbound() && role.equals("sidecar")) {
      node.inboundAddress = hello.getInbound().getAddress();
      node.inboundPort = hello.getInbound().getPort();
    }
    nodes.put(streamKey, node);
    publish(streamKey, node);
    settle();
    refreshMeshEndpoints();
  }

  /** A sidecar's namespace as its hello names it ({@code default} when empty). */
  static String sidecarNamespace(Hello hello) {
    return hello.getNamespace().isEmpty() ? "default" : hello.getNamespace();
  }

  /** Records the inbound endpoint a connected sidecar advertises (in a later hello). */
  void advertised(String streamKey, dev.crossgate.policy.distribution.v1.Endpoint inbound) {
    Node node = nodes.get(streamKey);
    if (node != null && node.meshService != null) {
      node.inboundAddress = inbound.getAddress();
      node.inboundPort = inbound.getPort();
      publish(streamKey, node);
      refreshMeshEndpoints();
    }
  }

  /** Records that a node drains: a sidecar leaves its service's endpoint set. */
  void draining(String streamKey) {
    Node node = nodes.get(streamKey);
    if (node != null && !node.draining) {
      node.draining = true;
      publish(streamKey, node);
      refreshMeshEndpoints();
    }
  }

  /**
   * Records the mesh endpoints a node may be using ({@code address:port}: those of the snapshot
   * it last ACKed and of those sent since), for confirmed drains.
   */
  void holding(String streamKey, java.util.Set<String> endpoints) {
    Node node = nodes.get(streamKey);
    if (node != null && !node.heldEndpoints.equals(endpoints)) {
      node.heldEndpoints = java.util.Set.copyOf(endpoints);
      publish(streamKey, node);
      recordsChanged();
    }
  }

  private final List<Runnable> recordListeners = new CopyOnWriteArrayList<>();

  /**
   * Calls {@code listener} (on any thread) after node records may have changed, this engine's or
   * another's; close the answer to stop.
   */
  AutoCloseable onRecordsChanged(Runnable listener) {
    recordListeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    return () -> recordListeners.remove(listener);
  }

  private void recordsChanged() {
    recordListeners.forEach(Runnable::run);
  }

  /** Every node's record, cluster-wide. */
  java.util.Collection<NodeRecord> records() {
    return book.all();
  }

  /** Forgets a node whose stream ended. */
  void disconnected(String streamKey) {
    nodes.remove(streamKey);
    book.remove(streamKey);
    settle();
    refreshMeshEndpoints();
  }

  /** The mesh endpoint sets, cluster-wide. */
  MeshEndpointIndex meshEndpoints() {
    return meshEndpoints;
  }

  private void refreshMeshEndpoints() {
    meshEndpoints.refresh(book::all);
  }

  /** Records an ACK. */
  void applied(String streamKey, long revision) {
    Node node = nodes.get(streamKey);
    if (node != null && revision > node.appliedRevision) {
      node.appliedRevision = revision;
      publish(streamKey, node);
    }
    settle();
  }

  /** Records a NACK. */
  void refused(String streamKey, long revision, String reason) {
    Node node = nodes.get(streamKey);
    if (node != null) {
      node.nackedRevision = revision;
      node.lastNack = "revision " + revision + ": " + reason;
      publish(streamKey, node);
    }
    settle();
  }

  private void publish(String streamKey, Node node) {
    book.put(streamKey, new NodeRecord(node.id, node.role, book.engine(), node.appliedRevision,
        node.nackedRevision, node.lastNack, node.connectedSince, node.meshService,
        node.inboundAddress, node.inboundPort, node.draining, node.heldEndpoints));
  }

  @Override
  public List<NodeStatus> nodes() {
    List<NodeStatus> result = new ArrayList<>();
    book.all().forEach(n -> result.add(new NodeStatus(n.nodeId(), n.role(),
        n.appliedRevision(), n.lastNack(), n.connectedSince(), n.engine())));
    return result;
  }

  @Override
  public Convergence convergence(long revision) {
    int applied = 0;
    Map<String, String> refused = new java.util.TreeMap<>();
    java.util.Collection<NodeRecord> all = book.all();
    for (NodeRecord node : all) {
      if (node.appliedRevision() >= revision) {
        applied++;
      } else if (node.nackedRevision() >= revision) {
        refused.put(node.nodeId(), node.lastNack());
      }
    }
    int total = all.size();
    return new Convergence(revision, applied, total, refused, applied + refused.size() == total,
        summary(revision, all));
  }

  /** Whether every connected node has applied or refused {@code revision}: a count, no more. */
  private boolean complete(long revision) {
    for (NodeRecord node : book.all()) {
      if (node.appliedRevision() < revision && node.nackedRevision() < revision) {
        return false;
      }
    }
    return true;
  }

  /**
   * Completes when every connected node has applied or refused {@code revision}, or when
   * {@code timeout} passes (then with {@code complete == false}).
   */
  @Override
  public Future<Convergence> await(long revision, Duration timeout) {
    Convergence now = convergence(revision);
    if (now.complete()) {
      return Future.succeededFuture(now);
    }
    Promise<Convergence> promise = Promise.promise();
    Waiter waiter = new Waiter(revision, promise);
    waiters.add(waiter);
    vertx.setTimer(Math.max(1, timeout.toMillis()), id -> {
      waiters.remove(waiter);
      promise.tryComplete(convergence(revision));
    });
    settle();
    return promise.future();
  }

  private void settle() {
    recordsChanged();
    for (Waiter waiter : waiters) {
      if (!complete(waiter.revision())) {
        continue; // the usual case while ACKs come in: no summary or refusal map built
      }
      Convergence state = convergence(waiter.revision());
      if (state.complete() && waiter.promise().tryComplete(state)) {
        waiters.remove(waiter);
      }
    }
  }

  /** A one-line summary, e.g. {@code revision 42 applied by 3/3 gateways, 1/2 sidecars}. */
  public String summary(long revision) {
    return summary(revision, book.all());
  }

  private static String summary(long revision, java.util.Collection<NodeRecord> all) {
    int gateways = 0;
    int gatewaysApplied = 0;
    int sidecars = 0;
    int sidecarsApplied = 0;
    List<String> nacks = new ArrayList<>();
    for (NodeRecord node : all) {
      boolean done = node.appliedRevision() >= revision;
      if (node.role().equals("sidecar")) {
        sidecars++;
        sidecarsApplied += done ? 1 : 0;
      } else {
        gateways++;
        gatewaysApplied += done ? 1 : 0;
      }
      if (!done && node.nackedRevision() >= revision) {
        nacks.add("node " + node.nodeId() + " NACKed: " + node.lastNack());
      }
    }
    return "revision " + revision + " applied by " + gatewaysApplied + "/" + gateways
        + " gateways, " + sidecarsApplied + "/" + sidecars + " sidecars"
        + (nacks.isEmpty() ? "" : "; " + String.join("; ", nacks));
  }
}
