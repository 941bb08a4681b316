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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which data planes are connected and which revision each has applied, and a way to wait until
 * every connected node has applied a revision (or refused it). In a cluster every engine counts
 * every node, whichever engine holds its stream (see {@link ClusterNodeBook}). Thread-safe.
 */
public final class NodeRegistry implements NodeStatusRegistry, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NodeRegistry.class);

  private final Vertx vertx;
  private final NodeBook book;
  private final Map<String, Node> nodes = new ConcurrentHashMap<>();
  private final List<Waiter> waiters = new CopyOnWriteArrayList<>();
  private final MeshEndpointIndex meshEndpoints;
  private final MeshEndpointMemory memory;
  /** When the endpoints kept from before this start are dropped at the latest (epoch ms). */
  private long keptUntilMillis;
  /** The kept endpoints last shared with the other engines. */
  private List<MeshEndpointMemory.Remembered> sharedKept = List.of();
  /** When the scheduled refresh for the end of other engines' kept endpoints is due, or 0. */
  private long keptTimerAt;
  /** Whether this engine handed its endpoints over (it shuts down): it shares nothing more. */
  private boolean handedOver;
  /** How long endpoints kept from before a start, or handed over, are served at most. */
  private final Duration grace;

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
    this.grace = grace;
    this.meshEndpoints = new MeshEndpointIndex(memory, System::nanoTime);
    if (memory != null) {
      keptUntilMillis = System.currentTimeMillis() + grace.toMillis();
      meshEndpoints.keepProvisionally(rememberedUnlessClusterRuns(memory.load()),
          grace.toNanos());
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
    return new NodeRegistry(vertx, ClusterNodeBook.start(manager, checkGrace(grace)),
        MeshEndpointMemory.in(dataDirectory), grace);
  }

  private static Duration checkGrace(Duration grace) {
    if (grace == null || grace.isNegative()) {
      throw new IllegalArgumentException("meshEndpointGrace: " + grace + " (expected: >= 0)");
    }
    return grace;
  }

  /**
   * Stops remembering mesh endpoints (writing the last set first) and, in a cluster, hands the
   * endpoints of this engine's sidecars over to the other engines, which keep them for the grace
   * or until the sidecars register with one of them: call it when the engine starts shutting
   * down, before its streams end, so that it remembers what it served and callers of the other
   * engines do not lose its sidecars while they reconnect.
   */
  public void stopRemembering() {
    if (memory == null) {
      return;
    }
    memory.stop();
    synchronized (this) {
      if (handedOver) {
        return;
      }
      handedOver = true;
    }
    List<MeshEndpointMemory.Remembered> kept = new ArrayList<>(meshEndpoints.provisional());
    for (Node node : nodes.values()) {
      if (node.meshService != null && node.inboundAddress != null && node.inboundPort > 0
          && !node.draining && !node.appUnhealthy) {
        kept.add(new MeshEndpointMemory.Remembered(node.id, node.meshService,
            node.inboundAddress, node.inboundPort));
      }
    }
    book.handOver(List.copyOf(kept), System.currentTimeMillis() + grace.toMillis());
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
    volatile boolean appUnhealthy;
    volatile String appHealthReason;
    volatile boolean appFailOpen = true;
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
    retireKeptIfRegistered(node);
    settle();
    refreshMeshEndpoints();
  }

  /** A sidecar that advertises an endpoint or drains is live: kept copies of it retire. */
  private void retireKeptIfRegistered(Node node) {
    if (node.meshService != null && (node.inboundPort > 0 || node.draining)) {
      book.retireKept(node.id);
    }
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
      retireKeptIfRegistered(node);
      refreshMeshEndpoints();
    }
  }

  /** Records that a node drains: a sidecar leaves its service's endpoint set. */
  void draining(String streamKey) {
    Node node = nodes.get(streamKey);
    if (node != null && !node.draining) {
      node.draining = true;
      publish(streamKey, node);
      retireKeptIfRegistered(node);
      refreshMeshEndpoints();
    }
  }

  /**
   * Records what a sidecar's heartbeat says of its app's health; a change moves its endpoint
   * out of (or back into) its service's set. A heartbeat that says the same changes nothing.
   */
  void appHealth(String streamKey, boolean unhealthy, String reason, boolean failOpen) {
    Node node = nodes.get(streamKey);
    String why = unhealthy && !reason.isEmpty() ? reason : null;
    if (node != null && node.meshService != null && (node.appUnhealthy != unhealthy
        || node.appFailOpen != failOpen || !java.util.Objects.equals(node.appHealthReason, why))) {
      node.appUnhealthy = unhealthy;
      node.appHealthReason = why;
      node.appFailOpen = failOpen;
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
    long now = System.currentTimeMillis();
    KeptEndpoints[] othersKept = {KeptEndpoints.NONE};
    meshEndpoints.refresh(book::all, () -> (othersKept[0] = book.keptByOthers(now)).endpoints());
    if (memory != null) {
      shareKept();
      refreshWhenOthersKeptEnds(othersKept[0].until(), now);
    }
  }

  /** Refreshes again when the earliest endpoint other engines keep ends (nobody else may). */
  private void refreshWhenOthersKeptEnds(java.util.OptionalLong until, long now) {
    if (until.isEmpty()) {
      return;
    }
    synchronized (this) {
      if (keptTimerAt != 0 && keptTimerAt <= until.getAsLong()) {
        return; // a refresh is due by then
      }
      keptTimerAt = until.getAsLong();
    }
    try {
      vertx.setTimer(Math.max(1, until.getAsLong() - now + 1), id -> {
        synchronized (this) {
          keptTimerAt = 0;
        }
        refreshMeshEndpoints();
      });
    } catch (IllegalStateException | java.util.concurrent.RejectedExecutionException e) {
      // Vert.x is closing: the engine stops, nothing to refresh.
    }
  }

  /**
   * What this engine remembers, unless it joins a running cluster whose engines keep nothing
   * from before their own start: their node records then say which endpoints are live, and an
   * endpoint whose sidecar ended while this engine was away must not come back with it. When the
   * others keep endpoints too (the whole cluster restarts), this engine keeps its own as well.
   */
  private List<MeshEndpointMemory.Remembered> rememberedUnlessClusterRuns(
      List<MeshEndpointMemory.Remembered> remembered) {
    if (!remembered.isEmpty() && book.othersPresent()
        && !book.othersKeepRemembered(System.currentTimeMillis())) {
      LOG.info("joining a running cluster: its node records say which mesh endpoints are live;"
          + " not keeping the {} served before this start", remembered.size());
      return List.of();
    }
    return remembered;
  }

  /** Shares this engine's kept endpoints with the others of the cluster when they changed. */
  private synchronized void shareKept() {
    List<MeshEndpointMemory.Remembered> kept = meshEndpoints.provisional();
    if (!handedOver && !kept.equals(sharedKept)) {
      sharedKept = kept;
      book.shareKept(kept, keptUntilMillis);
    }
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
        node.inboundAddress, node.inboundPort, node.draining, node.appUnhealthy,
        node.appHealthReason, node.appFailOpen, node.heldEndpoints));
  }

  @Override
  public List<NodeStatus> nodes() {
    List<NodeStatus> result = new ArrayList<>();
    book.all().forEach(n -> result.add(new NodeStatus(n.nodeId(), n.role(),
        n.appliedRevision(), n.lastNack(), n.connectedSince(), n.engine(), appHealth(n))));
    return result;
  }

  /** A sidecar's app health for the status API: {@code healthy}, or why not; null otherwise. */
  private static String appHealth(NodeRecord node) {
    if (node.meshService() == null) {
      return null;
    }
    return node.appUnhealthy() ? "unhealthy" + (node.appHealthReason() == null ? ""
        : ": " + node.appHealthReason()) : "healthy";
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
