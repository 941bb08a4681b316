package dev.crossgate.policy.server.distribution;

import static dev.crossgate.policy.server.distribution.MeshSets.endpoint;
import static dev.crossgate.policy.server.distribution.MeshSets.lists;
import static dev.crossgate.policy.server.distribution.LoopbackEngine.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.distribution.AppliedSnapshot;
import dev.crossgate.policy.distribution.DistributionClient;
import dev.crossgate.policy.distribution.DistributionClientSettings;
import dev.crossgate.policy.distribution.DistributionProtocol;
import dev.crossgate.policy.distribution.DrainProgress;
import dev.crossgate.policy.distribution.NodeIdentity;
import dev.crossgate.policy.distribution.v1.Endpoint;
import dev.crossgate.policy.distribution.v1.EngineMessage;
import dev.crossgate.policy.distribution.v1.Heartbeat;
import dev.crossgate.policy.distribution.v1.Hello;
import dev.crossgate.policy.distribution.v1.NodeMessage;
import dev.crossgate.policy.distribution.v1.NodeRole;
import dev.crossgate.policy.distribution.v1.Snapshot;
import dev.crossgate.policy.server.PolicyServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.core.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Confirmed drain with the real engine and real data-plane clients on loopback: a draining
 * sidecar is told "drain confirmed" only once every node that was given its endpoint (callers'
 * sidecars, gateways, the other sidecars of its service) has ACKed a snapshot without it; a node
 * that never ACKs holds the confirmation back, named, until it leaves.
 */
class ConfirmedDrainTest {

  @TempDir Path data;
  LoopbackEngine loopback;
  PolicyServer engine;
  Vertx vertx;
  List<DistributionClient> clients;

  @BeforeEach
  void start() throws Exception {
    loopback = LoopbackEngine.start(data);
    engine = loopback.engine;
    vertx = loopback.vertx;
    clients = loopback.clients;
    loopback.apply(TestPolicies.of(
        TestPolicies.gateway("shop", "public", 8080),
        TestPolicies.gateway("edge", "other", 8081),
        TestPolicies.service("shop", "reviews", 9001),
        TestPolicies.service("shop", "front", 9002),
        TestPolicies.service("edge", "elsewhere", 9003),
        TestPolicies.route("shop", "public", "reviews"),
        TestPolicies.route("edge", "other", "elsewhere"),
        TestPolicies.migration("shop", "reviews", "permissive", 50)));
  }

  @AfterEach
  void stop() throws Exception {
    loopback.close();
  }

  @Test
  void theDrainIsConfirmedOnceEveryNodeGivenTheEndpointRunsASnapshotWithoutIt()
      throws Exception {
    Node caller = new Node(sidecar("front-1", "front"));
    Node gateway = new Node(NodeIdentity.gateway("gw", "shop/public", "test"));
    Node unrelated = new Node(NodeIdentity.gateway("gw-other", "edge/other", "test"));
    Node first = new Node(sidecar("reviews-1", "reviews"));
    Node second = new Node(sidecar("reviews-2", "reviews"));
    await(first.client.advertise(endpoint(7001)));
    await(second.client.advertise(endpoint(7002)));
    eventually(() -> caller.holds(7002) && gateway.holds(7002) && first.holds(7002));

    // What each node runs at the moment the confirmation arrives.
    AtomicReference<Map<String, Boolean>> heldAtConfirmation = new AtomicReference<>();
    Future<DrainProgress> confirmed = second.client.drainConfirmed()
        .onSuccess(progress -> heldAtConfirmation.set(Map.of("front-1", caller.holds(7002),
            "gw", gateway.holds(7002), "reviews-1", first.holds(7002))));
    await(second.client.drain());

    DrainProgress progress = await(confirmed);
    assertThat(progress.confirmed()).isTrue();
    // The caller, the gateway routing to reviews and the other reviews sidecar had it; the
    // unrelated gateway never did, and the draining sidecar does not count itself.
    assertThat(progress.confirmedNodes()).isEqualTo(3);
    assertThat(heldAtConfirmation.get())
        .containsOnly(Map.entry("front-1", false), Map.entry("gw", false),
            Map.entry("reviews-1", false));
    assertThat(second.client.drainProgress()).isEqualTo(progress);
    assertThat(unrelated.received).isNotEmpty();
  }

  @Test
  void aNodeThatNeverAcksHoldsTheConfirmationBackByNameUntilItLeaves() throws Exception {
    Node caller = new Node(sidecar("front-1", "front"));
    StuckNode stuck = new StuckNode(sidecar("front-stuck", "front"));
    Node reviews = new Node(sidecar("reviews-1", "reviews"));
    await(reviews.client.advertise(endpoint(7001)));
    // The stuck caller applies snapshots until one gives it the endpoint, and then none.
    eventually(() -> caller.holds(7001) && stuck.given.get());

    Future<DrainProgress> confirmed = reviews.client.drainConfirmed();
    await(reviews.client.drain());
    eventually(() -> reviews.client.drainProgress().pendingNodes()
        .equals(List.of("front-stuck")));
    assertThat(caller.holds(7001)).isFalse();
    assertThat(confirmed.isComplete()).isFalse();

    // A node that leaves no longer holds anything.
    clients.remove(stuck.client);
    await(stuck.client.close());
    DrainProgress progress = await(confirmed);
    assertThat(progress.confirmed()).isTrue();
    assertThat(progress.confirmedNodes()).isEqualTo(2);
  }

  @Test
  void aSidecarWithoutAdvertisedEndpointIsConfirmedAtOnceByNoNode() throws Exception {
    Node caller = new Node(sidecar("front-1", "front"));
    Node reviews = new Node(sidecar("reviews-1", "reviews"));
    eventually(() -> !caller.received.isEmpty() && !reviews.received.isEmpty());

    await(reviews.client.drain());
    DrainProgress progress = await(reviews.client.drainConfirmed());
    assertThat(progress.confirmed()).isTrue();
    assertThat(progress.confirmedNodes()).isZero();
  }

  @Test
  void aDrainingEndpointWithoutAPortOrFromAGatewayIsRefusedWithAPreciseReason()
      throws Exception {
    NodeMessage sidecarHello = NodeMessage.newBuilder().setHello(Hello.newBuilder()
        .setNodeId("reviews-bad").setRole(NodeRole.NODE_ROLE_SIDECAR).setService("reviews")
        .setNamespace("shop").setInbound(endpoint(7001))).build();
    assertThat(refusal(sidecarHello, Endpoint.newBuilder().setAddress("127.0.0.1").setPort(0)
        .build()))
        .isEqualTo("INVALID_ARGUMENT: heartbeat.draining_endpoint.port: 0 (expected: 1..65535)");
    NodeMessage gatewayHello = NodeMessage.newBuilder().setHello(Hello.newBuilder()
        .setNodeId("gw-bad").setRole(NodeRole.NODE_ROLE_GATEWAY).setGatewayName("shop/public"))
        .build();
    assertThat(refusal(gatewayHello, endpoint(7001))).isEqualTo("INVALID_ARGUMENT: "
        + "heartbeat.draining_endpoint: set by a NODE_ROLE_GATEWAY (expected: only a sidecar "
        + "drains an inbound endpoint)");
    // Neither drained anything.
    assertThat(engine.nodes().meshEndpoints().all()).isEmpty();
  }

  /** Says {@code hello}, then drains {@code endpoint}; answers how the engine ended the stream. */
  private String refusal(NodeMessage hello, Endpoint endpoint) throws Exception {
    GrpcClient raw = GrpcClient.client(vertx, new GrpcClientOptions(), new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
    try {
      return await(raw.request(SocketAddress.inetSocketAddress(engine.distributionPort(),
          "127.0.0.1"), DistributionProtocol.SUBSCRIBE_CLIENT).compose(request -> {
            request.write(hello);
            request.write(NodeMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder()
                .setDraining(true).setDrainingEndpoint(endpoint)).build());
            return request.response().compose(response -> {
              response.handler(message -> { });
              return response.end().transform(ended -> Future.succeededFuture(
                  response.status().name() + ": " + statusMessage(response)));
            });
          }));
    } finally {
      await(raw.close());
    }
  }

  private static String statusMessage(GrpcClientResponse<NodeMessage, EngineMessage> response) {
    if (response.statusMessage() != null) {
      return response.statusMessage();
    }
    String raw = response.trailers() == null ? null : response.trailers().get("grpc-message");
    return raw == null ? null : java.net.URLDecoder.decode(raw.replace("+", "%2B"),
        java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Polls {@code condition} every 10 ms for up to 60 s. */
  private static void eventually(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 60 s");
      }
      Thread.sleep(10);
    }
  }

  private static NodeIdentity sidecar(String id, String service) {
    return new NodeIdentity(id, NodeRole.NODE_ROLE_SIDECAR, "", service, "shop", "test");
  }

  private DistributionClient client(NodeIdentity identity,
      java.util.function.Supplier<AppliedSnapshot> running,
      DistributionClient.SnapshotHandler handler) {
    DistributionClient client = DistributionClient.start(vertx, new DistributionClientSettings(
            List.of(SocketAddress.inetSocketAddress(engine.distributionPort(), "127.0.0.1")),
            Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofMillis(50),
            Duration.ofMillis(500)),
        identity, running, handler, new DistributionClient.ConnectionListener() { });
    clients.add(client);
    return client;
  }

  /** A data plane that applies every snapshot at once and records what it runs. */
  private final class Node {
    final List<Snapshot> received = new CopyOnWriteArrayList<>();
    final AtomicReference<Snapshot> running = new AtomicReference<>();
    final DistributionClient client;

    Node(NodeIdentity identity) {
      client = client(identity, () -> running.get() == null ? AppliedSnapshot.NONE
          : new AppliedSnapshot(running.get().getRevision(), running.get().getHash()),
          snapshot -> {
            running.set(snapshot); // before the ACK is sent
            received.add(snapshot);
            return Future.succeededFuture();
          });
    }

    /** Whether the snapshot it runs now lists the endpoint on {@code port}. */
    boolean holds(int port) {
      return lists(running.get(), port);
    }
  }

  /**
   * A data plane that applies its first snapshot and never finishes applying another (so it
   * ACKs nothing after the first).
   */
  private final class StuckNode {
    final AtomicBoolean given = new AtomicBoolean();
    final Map<String, Promise<Void>> neverDone = new ConcurrentHashMap<>();
    final DistributionClient client;

    StuckNode(NodeIdentity identity) {
      client = client(identity, () -> AppliedSnapshot.NONE, snapshot -> {
        // Applies every snapshot up to the one that gives it the endpoint, then none (a
        // snapshot left pending before that would hold back the one that gives it).
        if (!given.get()) {
          given.set(lists(snapshot, 7001));
          return Future.succeededFuture();
        }
        Promise<Void> never = Promise.promise();
        neverDone.put(snapshot.getHash(), never);
        return never.future();
      });
    }
  }
}
