package dev.crossgate.policy.distribution;

import dev.crossgate.policy.distribution.v1.Ack;
import dev.crossgate.policy.distribution.v1.Endpoint;
import dev.crossgate.policy.distribution.v1.EngineMessage;
import dev.crossgate.policy.distribution.v1.Heartbeat;
import dev.crossgate.policy.distribution.v1.Hello;
import dev.crossgate.policy.distribution.v1.Nack;
import dev.crossgate.policy.distribution.v1.NodeMessage;
import dev.crossgate.policy.distribution.v1.Snapshot;
import dev.crossgate.policy.distribution.v1.TrafficReport;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.GrpcClientRequest;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A data plane's subscription to the policy engine: one gRPC stream, re-established with
 * exponential backoff and full jitter when it breaks, and dropped when the engine falls silent
 * for longer than {@link DistributionClientSettings#deadAfter()}. Snapshots are handed to a
 * {@link SnapshotHandler} one at a time (a newer one waiting replaces an older one); the handler's
 * outcome is sent back as an ACK or a NACK with the reason. All state lives on one Vert.x context.
 */
public final class DistributionClient {

  /** Applies a snapshot: succeed to ACK it, fail (with a reason) to NACK it. */
  @FunctionalInterface
  public interface SnapshotHandler {
    /** Validates and swaps in {@code snapshot}; must not block. */
    Future<Void> apply(Snapshot snapshot);

    /**
     * Validates and swaps in {@code received}; must not block. By default the whole snapshot
     * (its resources joined into one JSON text) goes to {@link #apply(Snapshot)}; a handler made
     * with {@link #received} reads it as received, joining only if it asks to.
     */
    default Future<Void> applyReceived(ReceivedSnapshot received) {
      return apply(received.snapshot());
    }

    /** A handler of received snapshots, whose resources are joined only when it reads them so. */
    static SnapshotHandler received(
        java.util.function.Function<ReceivedSnapshot, Future<Void>> handler) {
      Objects.requireNonNull(handler, "handler");
      return new SnapshotHandler() {
        @Override
        public Future<Void> apply(Snapshot snapshot) {
          return handler.apply(ReceivedSnapshot.whole(snapshot));
        }

        @Override
        public Future<Void> applyReceived(ReceivedSnapshot received) {
          return handler.apply(received);
        }
      };
    }
  }

  /** Observes the connection, for readiness and metrics. */
  public interface ConnectionListener {
    /** A stream to {@code engine} is open. */
    default void connected(SocketAddress engine) {}

    /** The stream ended; a reconnect is scheduled. */
    default void disconnected(SocketAddress engine, String reason) {}
  }

  private static final Logger LOG = LoggerFactory.getLogger(DistributionClient.class);

  private final Vertx vertx;
  private final Context context;
  private final GrpcClient client;
  private final DistributionClientSettings settings;
  private final NodeIdentity identity;
  private final Supplier<AppliedSnapshot> applied;
  private final SnapshotHandler handler;
  private final ConnectionListener listener;
  private GrpcClientRequest<NodeMessage, EngineMessage> stream;
  private SnapshotAssembler assembler = new SnapshotAssembler();
  private SocketAddress streamEngine;
  private int attempt;
  private int engineIndex;
  private long heartbeatTimer = -1;
  private long reconnectTimer = -1;
  private long lastHeardNanos;
  private boolean applying;
  private ReceivedSnapshot pending;
  /** The inbound endpoint this node advertises (a ready sidecar), or null. */
  private Endpoint inbound;
  private boolean draining;
  private final io.vertx.core.Promise<DrainProgress> drainConfirmed =
      io.vertx.core.Promise.promise();
  private volatile DrainProgress drainProgress = DrainProgress.UNKNOWN;
  private volatile boolean connected;
  private volatile boolean closed;
  private volatile Supplier<TrafficReport> traffic;
  private volatile Supplier<AppHealth> appHealth = () -> AppHealth.HEALTHY;
  /** The app health the last heartbeat carried; read and written on the context. */
  private AppHealth sentAppHealth = AppHealth.HEALTHY;

  private DistributionClient(Vertx vertx, DistributionClientSettings settings,
      NodeIdentity identity, Supplier<AppliedSnapshot> applied, SnapshotHandler handler,
      ConnectionListener listener) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.settings = settings;
    this.identity = identity;
    this.applied = applied;
    this.handler = handler;
    this.listener = listener;
    this.client = GrpcClient.client(vertx,
        new GrpcClientOptions().setMaxMessageSize(DistributionProtocol.MAX_MESSAGE_SIZE),
        new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false)
        .setConnectTimeout((int) Math.max(1000, settings.heartbeatInterval().toMillis())));
  }

  /**
   * Starts subscribing.
   *
   * @param applied what the node runs now, asked at every (re)connect
   * @param handler applies each snapshot
   * @param listener observes connects and disconnects
   */
  public static DistributionClient start(Vertx vertx, DistributionClientSettings settings,
      NodeIdentity identity, Supplier<AppliedSnapshot> applied, SnapshotHandler handler,
      ConnectionListener listener) {
    DistributionClient client = new DistributionClient(
        Objects.requireNonNull(vertx, "vertx"), Objects.requireNonNull(settings, "settings"),
        Objects.requireNonNull(identity, "identity"), Objects.requireNonNull(applied, "applied"),
        Objects.requireNonNull(handler, "handler"), Objects.requireNonNull(listener, "listener"));
    client.context.runOnContext(v -> client.connect());
    return client;
  }

  /**
   * Adds {@code reports} to every heartbeat from now on: the node's cumulative traffic counters
   * (see {@code traffic.proto}). Called on the client's context; must not block.
   */
  public DistributionClient reportTraffic(Supplier<TrafficReport> reports) {
    this.traffic = Objects.requireNonNull(reports, "reports");
    return this;
  }

  /** Whether a stream to an engine is open now. */
  public boolean connected() {
    return connected;
  }

  private void connect() {
    reconnectTimer = -1;
    if (closed) {
      return;
    }
    SocketAddress engine = settings.engines().get(engineIndex % settings.engines().size());
    client.request(engine, DistributionProtocol.SUBSCRIBE_CLIENT).onComplete(ar -> {
      if (ar.failed()) {
        reconnectLater(engine, "cannot open a stream: " + ar.cause().getMessage());
        return;
      }
      open(engine, ar.result());
    });
  }

  private void open(SocketAddress engine, GrpcClientRequest<NodeMessage, EngineMessage> request) {
    if (closed) {
      request.cancel();
      return;
    }
    stream = request;
    streamEngine = engine;
    assembler = new SnapshotAssembler(); // deltas are relative to this stream's snapshots
    lastHeardNanos = System.nanoTime();
    request.exceptionHandler(e -> ended(request, "stream failed: " + e.getMessage()));
    if (currentAppHealth().unhealthy()) {
      // The new stream's engine hears the app is unhealthy before it hears the endpoint, so the
      // endpoint does not join its service's set for a moment on a reconnect.
      NodeMessage hello = hello();
      request.write(NodeMessage.newBuilder()
          .setHello(hello.getHello().toBuilder().clearInbound()).build());
      request.write(heartbeat());
      if (hello.getHello().hasInbound()) {
        request.write(hello);
      }
    } else {
      request.write(hello());
    }
    request.response().onComplete(ar -> {
      if (ar.failed()) {
        ended(request, "no response: " + ar.cause().getMessage());
        return;
      }
      var response = ar.result();
      connected = true;
      listener.connected(engine);
      response.handler(message -> received(request, message));
      response.exceptionHandler(e -> ended(request, "stream failed: " + e.getMessage()));
      response.endHandler(v -> ended(request, "the engine ended the stream (" + response.status()
          + (statusMessage(response) == null ? "" : ": " + statusMessage(response)) + ")"));
    });
    long interval = settings.heartbeatInterval().toMillis();
    heartbeatTimer = vertx.setPeriodic(interval, interval, id -> beat(request));
  }

  /** The stream's status message, from the trailers when the response does not carry it. */
  private static String statusMessage(
      io.vertx.grpc.client.GrpcClientResponse<NodeMessage, EngineMessage> response) {
    if (response.statusMessage() != null) {
      return response.statusMessage();
    }
    String raw = response.trailers() == null ? null : response.trailers().get("grpc-message");
    return raw == null ? null : java.net.URLDecoder.decode(raw.replace("+", "%2B"),
        java.nio.charset.StandardCharsets.UTF_8);
  }

  private NodeMessage hello() {
    AppliedSnapshot have = applied.get();
    Hello.Builder hello = Hello.newBuilder()
        .setNodeId(identity.nodeId())
        .setRole(identity.role())
        .setGatewayName(identity.gatewayName())
        .setService(identity.service())
        .setNamespace(identity.namespace())
        .setRevision(have.revision())
        .setSnapshotHash(have.hash())
        .setVersion(identity.version())
        .setAcceptsDeltas(true);
    if (inbound != null && !draining) {
      hello.setInbound(inbound);
    }
    return NodeMessage.newBuilder().setHello(hello).build();
  }

  /**
   * Advertises the inbound endpoint other mesh members reach this node at (a sidecar, once it is
   * ready): sent at once in a new hello on the open stream, and in the hello of every reconnect.
   */
  public Future<Void> advertise(Endpoint endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    return Future.future(promise -> context.runOnContext(v -> {
      inbound = endpoint;
      if (stream != null && !draining) {
        if (!currentAppHealth().equals(sentAppHealth)) {
          send(stream, heartbeat()); // the app's health before the endpoint it concerns
        }
        send(stream, hello());
      }
      promise.complete();
    }));
  }

  /**
   * Says this node drains: a heartbeat with {@code draining} is sent at once (and every later
   * one carries it, with the endpoint it advertised), so the engine takes the node's endpoint out
   * of its service's set and, once every node given the endpoint has applied a snapshot without
   * it, completes {@link #drainConfirmed()}. Completes once the heartbeat is written, or at once
   * when no stream is open.
   */
  public Future<Void> drain() {
    return Future.future(promise -> context.runOnContext(v -> {
      draining = true;
      if (stream != null) {
        send(stream, heartbeat());
      }
      promise.complete();
    }));
  }

  /**
   * Adds what {@code health} says of this node's app (its active health check's verdict) to
   * every heartbeat from now on. Called on the client's context; must not block. Tell the client
   * of a change with {@link #appHealthChanged()}.
   */
  public DistributionClient reportAppHealth(Supplier<AppHealth> health) {
    this.appHealth = Objects.requireNonNull(health, "health");
    return this;
  }

  /**
   * Sends a heartbeat at once when the app health differs from what the last one carried (a new
   * stream's engine hears it right after the hello). Completes once written, or at once when
   * nothing changed or no stream is open.
   */
  public Future<Void> appHealthChanged() {
    return Future.future(promise -> context.runOnContext(v -> {
      if (stream != null && !currentAppHealth().equals(sentAppHealth)) {
        send(stream, heartbeat());
      }
      promise.complete();
    }));
  }

  private AppHealth currentAppHealth() {
    try {
      return Objects.requireNonNull(appHealth.get(), "app health");
    } catch (RuntimeException e) {
      LOG.warn("app health report failed, reported healthy: {}", e.toString());
      return AppHealth.HEALTHY;
    }
  }

  /**
   * Completes when the engine confirms this node's drain (see {@link #drain()}): every node that
   * was given its inbound endpoint has ACKed a snapshot without it. Never completes while no
   * engine answers; the caller bounds the wait.
   */
  public Future<DrainProgress> drainConfirmed() {
    return drainConfirmed.future();
  }

  /** What the engine last said about this node's drain ({@link DrainProgress#UNKNOWN} before). */
  public DrainProgress drainProgress() {
    return drainProgress;
  }

  private void drainHeard(Heartbeat heartbeat) {
    if (!draining) {
      return;
    }
    if (heartbeat.getDrainConfirmed()) {
      DrainProgress confirmed = new DrainProgress(true, heartbeat.getDrainConfirmedNodes(),
          java.util.List.of());
      drainProgress = confirmed;
      drainConfirmed.tryComplete(confirmed);
    } else if (!drainProgress.confirmed()) {
      drainProgress = new DrainProgress(false, 0, heartbeat.getDrainPendingNodesList());
    }
  }

  private NodeMessage heartbeat() {
    AppHealth health = currentAppHealth();
    sentAppHealth = health;
    Heartbeat.Builder heartbeat = Heartbeat.newBuilder()
        .setSentAtMillis(System.currentTimeMillis()).setDraining(draining)
        .setAppUnhealthy(health.unhealthy()).setAppHealthReason(health.reason())
        .setAppHealthFailOpen(health.failOpen());
    if (draining && inbound != null) {
      heartbeat.setDrainingEndpoint(inbound);
    }
    Supplier<TrafficReport> reports = traffic;
    if (reports != null) {
      try {
        heartbeat.setTraffic(reports.get());
      } catch (RuntimeException e) {
        LOG.warn("traffic report failed, heartbeat sent without it: {}", e.toString());
      }
    }
    return NodeMessage.newBuilder().setHeartbeat(heartbeat).build();
  }

  private void beat(GrpcClientRequest<NodeMessage, EngineMessage> request) {
    if (request != stream) {
      return;
    }
    long silentNanos = System.nanoTime() - lastHeardNanos;
    if (silentNanos > settings.deadAfter().toNanos()) {
      request.cancel();
      ended(request, "no message from the engine for " + silentNanos / 1_000_000 + " ms");
      return;
    }
    send(request, heartbeat());
  }

  private void send(GrpcClientRequest<NodeMessage, EngineMessage> request, NodeMessage message) {
    try {
      request.write(message);
    } catch (IllegalStateException e) {
      ended(request, "stream gone: " + e.getMessage());
    }
  }

  private void received(GrpcClientRequest<NodeMessage, EngineMessage> request,
      EngineMessage message) {
    if (request != stream) {
      return;
    }
    lastHeardNanos = System.nanoTime();
    if (message.hasHeartbeat()) {
      drainHeard(message.getHeartbeat());
    }
    if (message.hasSnapshot()) {
      ReceivedSnapshot snapshot;
      try {
        snapshot = assembler.receive(message.getSnapshot());
      } catch (IllegalArgumentException e) {
        // A new stream starts from a whole snapshot.
        request.cancel();
        ended(request, e.getMessage());
        return;
      }
      attempt = 0;
      offer(snapshot);
    }
  }

  private void offer(ReceivedSnapshot snapshot) {
    if (applying) {
      pending = snapshot;
      return;
    }
    applying = true;
    Future<Void> outcome;
    try {
      outcome = handler.applyReceived(snapshot);
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    outcome.onComplete(ar -> context.runOnContext(v -> {
      report(snapshot, ar.failed() ? String.valueOf(ar.cause().getMessage()) : null);
      applying = false;
      ReceivedSnapshot next = pending;
      pending = null;
      if (next != null) {
        offer(next);
      }
    }));
  }

  private void report(ReceivedSnapshot snapshot, String nackReason) {
    if (stream == null) {
      return; // the next Hello says what runs
    }
    NodeMessage message = nackReason == null
        ? NodeMessage.newBuilder().setAck(Ack.newBuilder().setRevision(snapshot.revision())
            .setHash(snapshot.hash())).build()
        : NodeMessage.newBuilder().setNack(Nack.newBuilder().setRevision(snapshot.revision())
            .setHash(snapshot.hash()).setReason(nackReason)).build();
    send(stream, message);
  }

  private void ended(GrpcClientRequest<NodeMessage, EngineMessage> request, String reason) {
    if (request != stream) {
      return;
    }
    stream = null;
    connected = false;
    vertx.cancelTimer(heartbeatTimer);
    SocketAddress engine = streamEngine;
    listener.disconnected(engine, reason);
    reconnectLater(engine, reason);
  }

  private void reconnectLater(SocketAddress engine, String reason) {
    if (closed || reconnectTimer >= 0) {
      return;
    }
    engineIndex++;
    long bound = Math.min(settings.maxBackoff().toMillis(),
        settings.initialBackoff().toMillis() << Math.min(attempt, 20));
    attempt++;
    long delay = 1 + ThreadLocalRandom.current().nextLong(Math.max(1, bound));
    LOG.warn("control plane {}: {}; retrying in {} ms", engine, reason, delay);
    reconnectTimer = vertx.setTimer(delay, id -> connect());
  }

  /** Stops subscribing and closes the stream. */
  public Future<Void> close() {
    closed = true;
    return Future.<Void>future(promise -> context.runOnContext(v -> {
      vertx.cancelTimer(heartbeatTimer);
      if (reconnectTimer >= 0) {
        vertx.cancelTimer(reconnectTimer);
      }
      if (stream != null) {
        stream.cancel();
        stream = null;
      }
      connected = false;
      promise.complete();
    })).compose(v -> client.close());
  }
}
