package dev.crossgate.policy.server.distribution;

import static dev.crossgate.policy.server.distribution.LoopbackEngine.await;
import static dev.crossgate.policy.server.distribution.LoopbackEngine.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.distribution.AppliedSnapshot;
import dev.crossgate.policy.distribution.DistributionClient;
import dev.crossgate.policy.distribution.DistributionClientSettings;
import dev.crossgate.policy.distribution.NodeIdentity;
import dev.crossgate.policy.distribution.v1.NodeRole;
import dev.crossgate.policy.distribution.v1.Snapshot;
import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.api.Convergence;
import dev.crossgate.policy.server.store.ChangeSet;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real engine (Infinispan store, gRPC distribution) and the real data-plane client on
 * loopback: snapshots are scoped per node, pushed on every revision, ACKed and NACKed, and the
 * engine knows who runs what.
 */
class DistributionServiceTest {

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
    apply(TestPolicies.of(
        TestPolicies.gateway("edge", "public", 8080),
        TestPolicies.gateway("edge", "internal", 8081),
        TestPolicies.service("edge", "shop", 9001),
        TestPolicies.service("edge", "admin", 9002),
        TestPolicies.route("edge", "public", "shop"),
        TestPolicies.route("edge", "internal", "admin")));
  }

  @AfterEach
  void stop() throws Exception {
    loopback.close();
  }

  private long apply(String yaml) throws Exception {
    return loopback.apply(yaml);
  }

  /** A data plane that records what it receives and refuses snapshots when told to. */
  private final class Node {
    final List<Snapshot> received = new CopyOnWriteArrayList<>();
    final AtomicReference<String> refuseWith = new AtomicReference<>();
    final AtomicReference<AppliedSnapshot> running = new AtomicReference<>(AppliedSnapshot.NONE);

    Node(NodeIdentity identity) {
      this(identity, AppliedSnapshot.NONE);
    }

    /**
     * A node that already runs {@code runs} when it connects (a reconnect with kept state): set
     * before its client starts, so its first hello says so whenever the stream opens.
     */
    Node(NodeIdentity identity, AppliedSnapshot runs) {
      running.set(runs);
      clients.add(DistributionClient.start(vertx, new DistributionClientSettings(
              List.of(SocketAddress.inetSocketAddress(engine.distributionPort(), "127.0.0.1")),
              Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofMillis(50),
              Duration.ofMillis(500)),
          identity, running::get, snapshot -> {
            String reason = refuseWith.get();
            if (reason == null) {
              // Applied before it is listed as received: a test that sees it received may read
              // what this node runs (and reconnect with it).
              running.set(new AppliedSnapshot(snapshot.getRevision(), snapshot.getHash()));
            }
            received.add(snapshot);
            if (reason != null) {
              return Future.failedFuture(reason);
            }
            return Future.succeededFuture();
          }, new DistributionClient.ConnectionListener() { }));
    }

    Snapshot last() {
      return received.get(received.size() - 1);
    }
  }

  @Test
  void sendsEachGatewayOnlyItsOwnRoutesAndServices() throws Exception {
    Node publicGateway = new Node(NodeIdentity.gateway("p1", "public", "test"));
    Node internalGateway = new Node(NodeIdentity.gateway("i1", "edge/internal", "test"));
    eventually(() -> !publicGateway.received.isEmpty() && !internalGateway.received.isEmpty());
    String pub = publicGateway.last().getResourcesJson();
    assertThat(pub).contains("\"shop\"").doesNotContain("\"admin\"")
        .doesNotContain("\"internal\"");
    assertThat(publicGateway.last().getGatewayName()).isEqualTo("edge/public");
    String internal = internalGateway.last().getResourcesJson();
    assertThat(internal).contains("\"admin\"").doesNotContain("\"shop\"");
    assertThat(PolicyLoader.loadString("snapshot.json", pub).problems()).isEmpty();
  }

  @Test
  void pushesNewRevisionsAndTracksWhoAppliedThem() throws Exception {
    Node gateway = new Node(NodeIdentity.gateway("g1", "public", "test"));
    eventually(() -> gateway.received.size() == 1);
    long revision = apply(TestPolicies.service("edge", "shop", 9009));
    eventually(() -> gateway.last().getRevision() == revision);
    assertThat(gateway.last().getResourcesJson()).contains("9009");
    Convergence convergence = await(engine.nodes().await(revision, Duration.ofSeconds(10)));
    assertThat(convergence.complete()).isTrue();
    assertThat(convergence.applied()).isEqualTo(1);
    assertThat(convergence.summary()).startsWith("revision " + revision
        + " applied by 1/1 gateways, 0/0 sidecars");
  }

  @Test
  void skipsRevisionsThatDoNotChangeANodesSnapshot() throws Exception {
    Node publicGateway = new Node(NodeIdentity.gateway("p1", "public", "test"));
    eventually(() -> publicGateway.received.size() == 1);
    long revision = apply(TestPolicies.service("edge", "admin", 9010));
    Convergence convergence = await(engine.nodes().await(revision, Duration.ofSeconds(10)));
    assertThat(convergence.applied()).isEqualTo(1);
    assertThat(publicGateway.received).hasSize(1);
  }

  @Test
  void recordsARefusalWithItsReason() throws Exception {
    Node gateway = new Node(NodeIdentity.gateway("g1", "public", "test"));
    eventually(() -> gateway.received.size() == 1);
    gateway.refuseWith.set("listener port 8080 is in use");
    long revision = apply(TestPolicies.service("edge", "shop", 9011));
    Convergence convergence = await(engine.nodes().await(revision, Duration.ofSeconds(10)));
    assertThat(convergence.complete()).isTrue();
    assertThat(convergence.applied()).isZero();
    assertThat(convergence.refused()).containsKey("g1");
    assertThat(convergence.summary()).contains("node g1 NACKed: revision " + revision
        + ": listener port 8080 is in use");
    assertThat(engine.nodes().nodes()).singleElement()
        .satisfies(n -> assertThat(n.lastNack()).contains("in use"));
  }

  @Test
  void carriesASnapshotOfAThousandRoutes() throws Exception {
    StringBuilder yaml = new StringBuilder(TestPolicies.of(
        TestPolicies.gateway("edge", "public", 8080), TestPolicies.service("edge", "shop", 9001)));
    for (int i = 0; i < 1000; i++) {
      yaml.append("""
          ---
          apiVersion: gateway.networking.k8s.io/v1
          kind: HTTPRoute
          metadata: {name: route-%d, namespace: edge}
          spec:
            parentRefs: [{name: public}]
            hostnames: [host-%d.example.com]
            rules:
              - matches: [{path: {type: PathPrefix, value: /api/v1/items-%d}}]
                backendRefs: [{name: shop}]
          """.formatted(i, i, i));
    }
    long revision = apply(yaml.toString());
    Node gateway = new Node(NodeIdentity.gateway("g1", "public", "test"));
    eventually(() -> !gateway.received.isEmpty() && gateway.last().getRevision() == revision);
    assertThat(gateway.last().getResourcesJson().length()).isGreaterThan(256 * 1024);
    assertThat(PolicyLoader.loadString("snapshot.json", gateway.last().getResourcesJson())
        .bundleOrThrow().resources()).hasSizeGreaterThan(1000);
  }

  @Test
  void aSidecarGetsItsNamespaceOnly() throws Exception {
    apply(TestPolicies.service("shop", "reviews", 9020));
    Node sidecar = new Node(new NodeIdentity("s1", NodeRole.NODE_ROLE_SIDECAR, "", "reviews",
        "shop", "test"));
    eventually(() -> !sidecar.received.isEmpty());
    assertThat(sidecar.last().getResourcesJson()).contains("reviews")
        .doesNotContain("\"edge\"");
    assertThat(engine.nodes().nodes()).singleElement()
        .satisfies(n -> assertThat(n.role()).isEqualTo("sidecar"));
  }

  @Test
  void aReconnectingNodeWithTheCurrentSnapshotIsNotSentItAgain() throws Exception {
    Node first = new Node(NodeIdentity.gateway("g1", "public", "test"));
    eventually(() -> first.received.size() == 1);
    AppliedSnapshot running = first.running.get();
    await(clients.remove(0).close());
    eventually(() -> engine.nodes().nodes().isEmpty());

    Node again = new Node(NodeIdentity.gateway("g1", "public", "test"), running);
    eventually(() -> engine.nodes().nodes().size() == 1
        && engine.nodes().nodes().get(0).appliedRevision() == running.revision());
    assertThat(again.received).isEmpty();
  }

  @Test
  void deltaSnapshotsRebuildExactlyTheSnapshotTheEngineHashed() throws Exception {
    Node gateway = new Node(NodeIdentity.gateway("g1", "public", "test"));
    eventually(() -> gateway.received.size() == 1);
    // With the Gateway and Service it refers to, unchanged (the helper validates the text alone).
    String route = TestPolicies.of(TestPolicies.gateway("edge", "public", 8080),
        TestPolicies.service("edge", "shop", 9001), """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: extra, namespace: edge}
        spec:
          parentRefs: [{name: public}]
          rules: [{matches: [{path: {type: PathPrefix, value: /%s}}], backendRefs: [{name: shop}]}]
        """);
    long added = apply(route.formatted("one"));
    eventually(() -> gateway.last().getRevision() == added);
    long changed = apply(route.formatted("two"));
    eventually(() -> gateway.last().getRevision() == changed);
    long removed = await(engine.store().apply(ChangeSet.deletes(
            new dev.crossgate.policy.server.store.ResourceKey("HTTPRoute", "edge", "extra")),
        OptionalLong.empty(), "test", "test")).revision().number();
    eventually(() -> gateway.last().getRevision() == removed);
    // A new stream starts without a base: the next snapshot comes whole, as parts.
    AppliedSnapshot running = gateway.running.get();
    await(clients.remove(0).close());
    eventually(() -> engine.nodes().nodes().isEmpty());
    Node again = new Node(NodeIdentity.gateway("g1", "public", "test"), running);
    eventually(() -> engine.nodes().nodes().size() == 1);
    long afterReconnect = apply(route.formatted("three"));
    eventually(() -> !again.received.isEmpty() && again.last().getRevision() == afterReconnect);

    List<Snapshot> all = new java.util.ArrayList<>(gateway.received);
    all.addAll(again.received);
    assertThat(all).hasSize(5).allSatisfy(snapshot -> {
      // The engine's hash covers the resources and the trust bundle (no mesh endpoints here).
      String covered = snapshot.getTrustRootsPemCount() == 0 ? snapshot.getResourcesJson()
          : snapshot.getResourcesJson() + "\n" + String.join("", snapshot.getTrustRootsPemList())
              + snapshot.getSigningRootSha256();
      assertThat(dev.crossgate.policy.distribution.DistributionProtocol.hash(covered))
          .isEqualTo(snapshot.getHash());
      assertThat(snapshot.getDelta()).isFalse();
      assertThat(PolicyLoader.loadString("snapshot.json", snapshot.getResourcesJson())
          .problems()).isEmpty();
    });
    assertThat(gateway.received.get(1).getResourcesJson()).contains("/one");
    assertThat(gateway.received.get(2).getResourcesJson()).contains("/two")
        .doesNotContain("/one");
    assertThat(gateway.received.get(3).getResourcesJson()).doesNotContain("extra");
    assertThat(again.last().getResourcesJson()).contains("/three");
  }
}
