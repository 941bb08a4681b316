package dev.crossgate.policy.server.distribution;

import dev.crossgate.policy.distribution.v1.EngineMessage;
import dev.crossgate.policy.distribution.v1.Heartbeat;
import dev.crossgate.policy.distribution.v1.Hello;
import dev.crossgate.policy.distribution.v1.NodeMessage;
import dev.crossgate.policy.distribution.v1.Snapshot;
import dev.crossgate.policy.server.store.PolicyStore;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One data plane's stream: waits for its hello, sends its scoped snapshot, then every new one
 * as revisions land (skipping revisions that do not change what this node gets), records its
 * ACKs and NACKs, and drops it when it falls silent. Runs on the stream's event loop.
 */
final class NodeStream {

  private static final Logger LOG = LoggerFactory.getLogger(NodeStream.class);

  private final Vertx vertx;
  private final Context context;
  private final String key = UUID.randomUUID().toString();
  private final GrpcServerRequest<NodeMessage, EngineMessage> request;
  private final GrpcServerResponse<NodeMessage, EngineMessage> response;
  private final PolicyStore store;
  private final ScopedSnapshots snapshots;
  private final NodeRegistry nodes;
  private final Duration deadAfter;
  private Hello hello;
  private AutoCloseable revisions;
  private AutoCloseable endpointChanges;
  /** The Services in the scope of the snapshot last offered, whose endpoint changes matter. */
  private java.util.Set<String> meshServices = java.util.Set.of();
  private AutoCloseable trustChanges;
  private Snapshot sent;
  private long heartbeatTimer = -1;
  private long lastHeardNanos = System.nanoTime();
  private long sentRevision = -1;
  private String sentHash = "";
  /** The newest snapshot held back while the node's stream is full; older ones are dropped. */
  private EncodedSnapshot held;
  /** The snapshot last written to this stream: the base of the next delta. */
  private EncodedSnapshot lastSent;
  private String ackedHash = "";
  private boolean closed;
  /** The mesh endpoints of the snapshot the node last ACKed (or already ran). */
  private java.util.Set<String> ackedEndpoints = java.util.Set.of();
  /** The mesh endpoints of each snapshot sent since, by hash, oldest first. */
  private final java.util.LinkedHashMap<String, java.util.Set<String>> unacked =
      new java.util.LinkedHashMap<>();
  /** The inbound endpoint this node advertised ({@code address:port}), or null. */
  private String advertisedEndpoint;
  /** This node's drain, once it said it drains. */
  private DrainWatch drain;
  private AutoCloseable drainUpdates;

  NodeStream(Vertx vertx, GrpcServerRequest<NodeMessage, EngineMessage> request,
      PolicyStore store, ScopedSnapshots snapshots, NodeRegistry nodes, Duration heartbeat,
      Duration deadAfter) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.request = request;
    this.response = request.response();
    this.store = store;
    this.snapshots = snapshots;
    this.nodes = nodes;
    this.deadAfter = deadAfter;
    request.handler(this::received);
    request.endHandler(v -> close("the node ended the stream"));
    request.exceptionHandler(e -> close("stream failed: " + e.getMessage()));
    request.errorHandler(error -> close("stream " + error));
    response.exceptionHandler(e -> close("stream failed: " + e.getMessage()));
    response.writeHead();
    long interval = heartbeat.toMillis();
    heartbeatTimer = vertx.setPeriodic(interval, interval, id -> beat());
  }

  private void received(NodeMessage message) {
    lastHeardNanos = System.nanoTime();
    if (hello == null) {
      if (!message.hasHello()) {
        close("no hello");
        end(GrpcStatus.INVALID_ARGUMENT, "the first message must be a hello");
        return;
      }
      String problem = inboundProblem(message.getHello());
      if (problem != null) {
        close("bad hello: " + problem);
        end(GrpcStatus.INVALID_ARGUMENT, problem);
        return;
      }
      greet(message.getHello());
      return;
    }
    if (message.hasHello()) {
      reannounce(message.getHello());
    } else if (message.hasHeartbeat()) {
      if (message.getHeartbeat().getDraining()) {
        if (message.getHeartbeat().hasDrainingEndpoint()) {
          String problem = hello.getRole()
              != dev.crossgate.policy.distribution.v1.NodeRole.NODE_ROLE_SIDECAR
              ? "heartbeat.draining_endpoint: set by a " + hello.getRole()
                  + " (expected: only a sidecar drains an inbound endpoint)"
              : endpointProblem("heartbeat.draining_endpoint",
                  message.getHeartbeat().getDrainingEndpoint());
          if (problem != null) {
            close("bad heartbeat: " + problem);
            end(GrpcStatus.INVALID_ARGUMENT, problem);
            return;
          }
          advertisedEndpoint = DrainWatch.endpoint(
              message.getHeartbeat().getDrainingEndpoint().getAddress(),
              message.getHeartbeat().getDrainingEndpoint().getPort());
        }
        nodes.draining(key);
        watchDrain();
      }
      nodes.appHealth(key, message.getHeartbeat().getAppUnhealthy(),
          message.getHeartbeat().getAppHealthReason(),
          message.getHeartbeat().getAppHealthFailOpen());
      if (message.getHeartbeat().hasTraffic()) {
        nodes.traffic(hello, message.getHeartbeat().getTraffic());
      }
    } else if (message.hasAck()) {
      ackedHash = message.getAck().getHash();
      acked(ackedHash);
      if (sent != null && sent.getHash().equals(ackedHash)) {
        snapshots.trust().trustApplied(hello.getNodeId(), sent.getTrustRootsPemList());
      }
      nodes.applied(key, message.getAck().getRevision());
    } else if (message.hasNack()) {
      nodes.refused(key, message.getNack().getRevision(), message.getNack().getReason());
      LOG.warn("node {} refused revision {}: {}", hello.getNodeId(),
          message.getNack().getRevision(), message.getNack().getReason());
    }
  }

  /**
   * Why a hello's inbound endpoint is unusable, or null: only a sidecar advertises one, with an
   * address and a port 1..65535.
   */
  static String inboundProblem(Hello greeting) {
    if (!greeting.hasInbound()) {
      return null;
    }
    if (greeting.getRole() != dev.crossgate.policy.distribution.v1.NodeRole.NODE_ROLE_SIDECAR) {
      return "hello.inbound: set by a " + greeting.getRole()
          + " (expected: only a sidecar advertises an inbound endpoint)";
    }
    return endpointProblem("hello.inbound", greeting.getInbound());
  }

  /** Why a sidecar's own endpoint named {@code field} is unusable, or null. */
  private static String endpointProblem(String field,
      dev.crossgate.policy.distribution.v1.Endpoint endpoint) {
    if (endpoint.getAddress().isBlank()) {
      return field + ".address: '' (expected: the address other sidecars reach this one at)";
    }
    int port = endpoint.getPort();
    if (port < 1 || port > 65535) {
      return field + ".port: " + port + " (expected: 1..65535)";
    }
    return null;
  }

  /**
   * A later hello on the same stream: a sidecar that became ready advertises its inbound
   * endpoint. It must name the same node.
   */
  private void reannounce(Hello again) {
    String problem = inboundProblem(again);
    if (problem == null && !(again.getNodeId().equals(hello.getNodeId())
        && again.getRole() == hello.getRole() && again.getService().equals(hello.getService())
        && again.getNamespace().equals(hello.getNamespace()))) {
      problem = "hello: node " + again.getNodeId() + " " + again.getRole() + " "
          + again.getNamespace() + "/" + again.getService() + " (expected: the same node as the "
          + "stream's first hello, " + hello.getNodeId() + " " + hello.getRole() + " "
          + hello.getNamespace() + "/" + hello.getService() + ")";
    }
    if (problem != null) {
      close("bad hello: " + problem);
      end(GrpcStatus.INVALID_ARGUMENT, problem);
      return;
    }
    if (again.hasInbound()) {
      LOG.info("node {} advertises inbound {}:{}", again.getNodeId(),
          again.getInbound().getAddress(), again.getInbound().getPort());
      nodes.advertised(key, again.getInbound());
      advertisedEndpoint = DrainWatch.endpoint(again.getInbound().getAddress(),
          again.getInbound().getPort());
    }
  }

  private void greet(Hello greeting) {
    hello = greeting;
    ackedHash = greeting.getSnapshotHash();
    nodes.connected(key, greeting);
    if (greeting.hasInbound()) {
      advertisedEndpoint = DrainWatch.endpoint(greeting.getInbound().getAddress(),
          greeting.getInbound().getPort());
    }
    LOG.info("node {} ({}) connected with revision {}", greeting.getNodeId(),
        greeting.getRole(), greeting.getRevision());
    revisions = store.onRevision(revision -> context.runOnContext(v ->
        snapshots.at(revision.number(), hello).onSuccess(this::offer)));
    endpointChanges = nodes.meshEndpoints().onChange(changed -> context.runOnContext(v -> {
      if (!closed && changed.stream().anyMatch(meshServices::contains)) {
        snapshots.latest(hello).onSuccess(this::offer);
      }
    }));
    trustChanges = snapshots.trust().onTrustChange(() -> context.runOnContext(v ->
        snapshots.latest(hello).onSuccess(this::offer)));
    snapshots.latest(greeting).onSuccess(this::offer)
        .onFailure(e -> LOG.warn("no snapshot for node {}: {}", greeting.getNodeId(),
            e.toString()));
  }

  private void offer(EncodedSnapshot encoded) {
    Snapshot snapshot = encoded.snapshot();
    // The same revision again only when its content changed (e.g. the trust bundle).
    if (closed || snapshot.getRevision() < sentRevision
        || (snapshot.getRevision() == sentRevision && snapshot.getHash().equals(sentHash))) {
      return;
    }
    if (!snapshots.isFresh(encoded)) {
      // Its scope's mesh endpoints changed since it was composed: send them as they are now.
      snapshots.at(snapshot.getRevision(), hello).onSuccess(this::offer);
      return;
    }
    meshServices = encoded.meshServices();
    if (!snapshot.getHash().equals(ackedHash) && response.writeQueueFull()) {
      // A slow node: keep only the newest snapshot until its stream drains, so fast changes
      // never queue one full snapshot per revision in memory.
      boolean waiting = held != null;
      held = encoded;
      if (!waiting) {
        response.drainHandler(v -> {
          EncodedSnapshot next = held;
          held = null;
          if (next != null) {
            offer(next);
          }
        });
      }
      return;
    }
    sentRevision = snapshot.getRevision();
    sent = snapshot;
    if (snapshot.getHash().equals(ackedHash)) {
      // The node already runs exactly this content: it is at this revision too.
      sentHash = snapshot.getHash();
      unacked.put(snapshot.getHash(), endpointsOf(snapshot));
      acked(snapshot.getHash());
      snapshots.trust().trustApplied(hello.getNodeId(), snapshot.getTrustRootsPemList());
      nodes.applied(key, snapshot.getRevision());
      return;
    }
    sentHash = snapshot.getHash();
    try {
      response.writeMessage(encoded.messageFor(hello.getAcceptsDeltas(), lastSent));
      lastSent = encoded;
      unacked.remove(snapshot.getHash());
      unacked.put(snapshot.getHash(), endpointsOf(snapshot));
      publishHeld();
    } catch (IllegalStateException e) {
      close("stream gone: " + e.getMessage());
    }
  }

  /** The mesh endpoints a snapshot lists, as {@code address:port}. */
  private static java.util.Set<String> endpointsOf(Snapshot snapshot) {
    java.util.Set<String> endpoints = new java.util.HashSet<>();
    snapshot.getMeshEndpointsList().forEach(service -> service.getEndpointsList().forEach(
        endpoint -> endpoints.add(DrainWatch.endpoint(endpoint.getAddress(),
            endpoint.getPort()))));
    return endpoints;
  }

  /**
   * The node runs the snapshot {@code hash}: its endpoints are held, and those of snapshots sent
   * before it no longer. A hash this stream did not send changes nothing.
   */
  private void acked(String hash) {
    if (!unacked.containsKey(hash)) {
      return;
    }
    var sentInOrder = unacked.entrySet().iterator();
    while (sentInOrder.hasNext()) {
      var next = sentInOrder.next();
      sentInOrder.remove();
      if (next.getKey().equals(hash)) {
        ackedEndpoints = next.getValue();
        break;
      }
    }
    publishHeld();
  }

  /** Publishes the endpoints the node may be using: ACKed, or sent and not ACKed past. */
  private void publishHeld() {
    java.util.Set<String> held = new java.util.HashSet<>(ackedEndpoints);
    unacked.values().forEach(held::addAll);
    nodes.holding(key, held);
  }

  /**
   * Starts this node's confirmed drain (once): tells it as soon as every node that was given its
   * endpoint has ACKed a snapshot without it, and until then on every heartbeat who has not.
   */
  private void watchDrain() {
    if (drain != null) {
      return;
    }
    drain = new DrainWatch(hello.getNodeId(), advertisedEndpoint);
    LOG.info("node {} drains{}", hello.getNodeId(), advertisedEndpoint == null ? ""
        : ": waiting for every node given " + advertisedEndpoint + " to apply a snapshot "
            + "without it");
    drainUpdates = nodes.onRecordsChanged(() -> context.runOnContext(v -> checkDrain()));
    checkDrain();
  }

  private void checkDrain() {
    if (closed || drain == null || !drain.update(nodes.records())) {
      return;
    }
    if (drain.confirmed()) {
      LOG.info("node {}: drain confirmed: {} nodes", hello.getNodeId(), drain.givenCount());
      closeQuietly(drainUpdates);
    }
    send(EngineMessage.newBuilder().setHeartbeat(drain.describe(Heartbeat.newBuilder()
        .setSentAtMillis(System.currentTimeMillis()))).build());
  }

  private static void closeQuietly(AutoCloseable subscription) {
    if (subscription == null) {
      return;
    }
    try {
      subscription.close();
    } catch (Exception e) {
      LOG.debug("closing a subscription failed", e);
    }
  }

  /** Writes to the node; a stream the node has already cancelled is closed instead. */
  private void send(EngineMessage message) {
    try {
      response.write(message);
    } catch (IllegalStateException e) {
      close("stream gone: " + e.getMessage());
    }
  }

  /** Ends the stream with a status, unless the node already cancelled it. */
  private void end(GrpcStatus status, String message) {
    try {
      response.status(status).statusMessage(message).end();
    } catch (IllegalStateException e) {
      LOG.debug("stream already gone: {}", e.getMessage());
    }
  }

  private void beat() {
    if (closed) {
      return;
    }
    long silentNanos = System.nanoTime() - lastHeardNanos;
    if (silentNanos > deadAfter.toNanos()) {
      close("silent for " + silentNanos / 1_000_000 + " ms");
      end(GrpcStatus.UNAVAILABLE, "no message for " + silentNanos / 1_000_000 + " ms");
      return;
    }
    Heartbeat.Builder heartbeat = Heartbeat.newBuilder()
        .setSentAtMillis(System.currentTimeMillis());
    if (drain != null) {
      drain.describe(heartbeat);
    }
    send(EngineMessage.newBuilder().setHeartbeat(heartbeat).build());
  }

  private void close(String reason) {
    if (closed) {
      return;
    }
    closed = true;
    vertx.cancelTimer(heartbeatTimer);
    for (AutoCloseable subscription : new AutoCloseable[] {revisions, endpointChanges,
        trustChanges, drainUpdates}) {
      closeQuietly(subscription);
    }
    nodes.disconnected(key);
    if (hello != null) {
      LOG.info("node {} disconnected: {}", hello.getNodeId(), reason);
    }
  }

  /** The hash last sent, for tests and status. */
  String sentHash() {
    return sentHash;
  }
}
