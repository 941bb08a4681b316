package dev.crossgate.policy.server.distribution;

import static dev.crossgate.policy.server.distribution.MeshSets.endpoint;
import static dev.crossgate.policy.server.distribution.MeshSets.endpointsOf;
import static dev.crossgate.policy.server.distribution.LoopbackEngine.await;
import static dev.crossgate.policy.server.distribution.LoopbackEngine.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.distribution.AppHealth;
import dev.crossgate.policy.distribution.AppliedSnapshot;
import dev.crossgate.policy.distribution.DistributionClient;
import dev.crossgate.policy.distribution.DistributionClientSettings;
import dev.crossgate.policy.distribution.NodeIdentity;
import dev.crossgate.policy.distribution.v1.Endpoint;
import dev.crossgate.policy.distribution.v1.NodeRole;
import dev.crossgate.policy.distribution.v1.Snapshot;
import dev.crossgate.policy.server.PolicyServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mesh service discovery with the real engine and real data-plane clients on loopback: a sidecar
 * that advertises its inbound endpoint joins its service's set, every node whose scope holds the
 * service (callers in the namespace, gateways routing to it) gets it in {@code mesh_endpoints},
 * nobody else is sent anything, and the endpoint leaves the set when its stream ends or it drains.
 */
class MeshEndpointDiscoveryTest {

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
  void anAdvertisedSidecarReachesCallersAndGatewaysOfItsServiceOnly() throws Exception {
    Node caller = new Node(sidecar("front-1", "front"));
    Node gateway = new Node(NodeIdentity.gateway("gw", "shop/public", "test"));
    Node unrelated = new Node(NodeIdentity.gateway("gw-other", "edge/other", "test"));
    eventually(() -> caller.received.size() == 1 && gateway.received.size() == 1
        && unrelated.received.size() == 1);
    String callerHashBefore = caller.last().getHash();
    assertThat(caller.last().getMeshEndpointsList()).isEmpty();
    // The callers' scopes carry the service's MeshMigration, so they can choose a path.
    assertThat(caller.last().getResourcesJson()).contains("MeshMigration");
    assertThat(gateway.last().getResourcesJson()).contains("MeshMigration");

    Node reviews = new Node(sidecar("reviews-1", "reviews"));
    eventually(() -> reviews.received.size() == 1);
    // Not ready yet: no endpoint advertised, nothing changes for the callers.
    assertThat(engine.nodes().meshEndpoints().endpoints("shop/reviews")).isEmpty();
    await(reviews.client.advertise(endpoint(7001)));

    eventually(() -> endpointsOf(caller.last(), "reviews").equals(List.of(endpoint(7001)))
        && endpointsOf(gateway.last(), "reviews").equals(List.of(endpoint(7001))));
    assertThat(caller.last().getHash()).isNotEqualTo(callerHashBefore);
    assertThat(caller.last().getRevision()).isEqualTo(gateway.last().getRevision());
    // The sidecar itself calls its own service too; the other gateway's scope has no reviews.
    eventually(() -> endpointsOf(reviews.last(), "reviews").equals(List.of(endpoint(7001))));

    Node second = new Node(sidecar("reviews-2", "reviews"));
    await(second.client.advertise(endpoint(7002)));
    eventually(() -> endpointsOf(caller.last(), "reviews")
        .equals(List.of(endpoint(7001), endpoint(7002))));
    assertThat(unrelated.received).hasSize(1);
    assertThat(unrelated.last().getMeshEndpointsList()).isEmpty();
  }

  @Test
  void anEndpointLeavesWhenItsStreamEndsOrItDrains() throws Exception {
    Node caller = new Node(sidecar("front-1", "front"));
    Node first = new Node(sidecar("reviews-1", "reviews"));
    Node second = new Node(sidecar("reviews-2", "reviews"));
    await(first.client.advertise(endpoint(7001)));
    await(second.client.advertise(endpoint(7002)));
    eventually(() -> !caller.received.isEmpty()
        && endpointsOf(caller.last(), "reviews").size() == 2);

    await(second.client.drain());
    eventually(() -> endpointsOf(caller.last(), "reviews").equals(List.of(endpoint(7001))));
    assertThat(engine.nodes().nodes()).hasSize(3); // draining, still connected

    clients.remove(first.client);
    await(first.client.close());
    eventually(() -> caller.last().getMeshEndpointsList().isEmpty());
    assertThat(engine.nodes().meshEndpoints().all()).isEmpty();
  }

  @Test
  void anUnhealthyAppLeavesTheSetComesBackAndFailOpenDecidesOverTheWholeSet() throws Exception {
    Node caller = new Node(sidecar("front-1", "front"));
    Node first = new Node(sidecar("reviews-1", "reviews"));
    Node second = new Node(sidecar("reviews-2", "reviews"));
    AtomicReference<AppHealth> firstHealth = new AtomicReference<>(AppHealth.HEALTHY);
    AtomicReference<AppHealth> secondHealth = new AtomicReference<>(AppHealth.HEALTHY);
    first.client.reportAppHealth(firstHealth::get);
    second.client.reportAppHealth(secondHealth::get);
    await(first.client.advertise(endpoint(7001)));
    await(second.client.advertise(endpoint(7002)));
    eventually(() -> !caller.received.isEmpty()
        && endpointsOf(caller.last(), "reviews").size() == 2);

    secondHealth.set(new AppHealth(true, "status 503", true));
    await(second.client.appHealthChanged());
    eventually(() -> endpointsOf(caller.last(), "reviews").equals(List.of(endpoint(7001))));
    assertThat(appHealthOf("reviews-2")).isEqualTo("unhealthy: status 503");
    assertThat(appHealthOf("reviews-1")).isEqualTo("healthy");
    secondHealth.set(AppHealth.HEALTHY);
    await(second.client.appHealthChanged());
    eventually(() -> endpointsOf(caller.last(), "reviews").size() == 2);

    // A sidecar that connects already advertised and unhealthy (as after a reconnect): the
    // engine hears the health before the endpoint, so the endpoint never joins the set.
    Node third = new Node(sidecar("reviews-3", "reviews"), AppliedSnapshot.NONE,
        () -> new AppHealth(true, "connection refused", true), endpoint(7003));
    eventually(() -> "unhealthy: connection refused".equals(appHealthOf("reviews-3")));
    int before = caller.received.size();

    // Every sidecar unhealthy, failing open: all are kept, the third one too.
    firstHealth.set(new AppHealth(true, "timeout after 1000 ms", true));
    secondHealth.set(new AppHealth(true, "status 503", true));
    await(first.client.appHealthChanged());
    await(second.client.appHealthChanged());
    eventually(() -> endpointsOf(caller.last(), "reviews")
        .equals(List.of(endpoint(7001), endpoint(7002), endpoint(7003))));
    assertThat(List.copyOf(caller.received).subList(0, before))
        .noneMatch(s -> endpointsOf(s, "reviews").contains(endpoint(7003)));
    assertThat(third.client.connected()).isTrue();

    // failOpen: false on the two that can say it, while the third still fails open: only the
    // third is kept; then none.
    firstHealth.set(new AppHealth(true, "timeout after 1000 ms", false));
    secondHealth.set(new AppHealth(true, "status 503", false));
    await(first.client.appHealthChanged());
    await(second.client.appHealthChanged());
    eventually(() -> endpointsOf(caller.last(), "reviews").equals(List.of(endpoint(7003))));
    clients.remove(third.client);
    await(third.client.close());
    eventually(() -> endpointsOf(caller.last(), "reviews").isEmpty());
  }

  private String appHealthOf(String nodeId) {
    return engine.nodes().nodes().stream().filter(n -> n.nodeId().equals(nodeId))
        .map(n -> n.appHealth()).findFirst().orElse(null);
  }

  @Test
  void aReconnectingCallerWithTheSameEndpointsIsNotSentThemAgain() throws Exception {
    Node reviews = new Node(sidecar("reviews-1", "reviews"));
    await(reviews.client.advertise(endpoint(7001)));
    Node caller = new Node(sidecar("front-1", "front"));
    eventually(() -> !caller.received.isEmpty()
        && endpointsOf(caller.last(), "reviews").equals(List.of(endpoint(7001))));
    AppliedSnapshot running = caller.running.get();
    clients.remove(caller.client);
    await(caller.client.close());

    Node again = new Node(sidecar("front-1", "front"), running, null, null);
    eventually(() -> engine.nodes().nodes().stream()
        .anyMatch(n -> n.nodeId().equals("front-1") && n.appliedRevision() == running.revision()));
    assertThat(again.received).isEmpty();
  }

  @Test
  void anAdvertisedEndpointWithoutAPortIsRefusedWithAPreciseReason() throws Exception {
    Node bad = new Node(sidecar("reviews-1", "reviews"));
    eventually(() -> bad.received.size() == 1);
    await(bad.client.advertise(Endpoint.newBuilder().setAddress("127.0.0.1").setPort(0).build()));
    eventually(() -> bad.lastDisconnect.get() != null);
    assertThat(bad.lastDisconnect.get())
        .contains("(3: hello.inbound.port: 0 (expected: 1..65535))");
    assertThat(engine.nodes().meshEndpoints().all()).isEmpty();
  }

  private static NodeIdentity sidecar(String id, String service) {
    return new NodeIdentity(id, NodeRole.NODE_ROLE_SIDECAR, "", service, "shop", "test");
  }

  /** A data plane that records what it receives. */
  private final class Node {
    final List<Snapshot> received = new CopyOnWriteArrayList<>();
    final AtomicReference<AppliedSnapshot> running = new AtomicReference<>(AppliedSnapshot.NONE);
    final AtomicReference<String> lastDisconnect = new AtomicReference<>();
    final DistributionClient client;

    Node(NodeIdentity identity) {
      this(identity, AppliedSnapshot.NONE, null, null);
    }

    /**
     * A node that already runs {@code runs} when it connects (a reconnect with kept state), and
     * reports {@code health} and advertises {@code inbound} (each if not null) from the start.
     */
    Node(NodeIdentity identity, AppliedSnapshot runs,
        java.util.function.Supplier<AppHealth> health, Endpoint inbound) {
      running.set(runs);
      client = DistributionClient.start(vertx, new DistributionClientSettings(
              List.of(SocketAddress.inetSocketAddress(engine.distributionPort(), "127.0.0.1")),
              Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofMillis(50),
              Duration.ofMillis(500)),
          identity, running::get, snapshot -> {
            running.set(new AppliedSnapshot(snapshot.getRevision(), snapshot.getHash()));
            received.add(snapshot); // after running: a test that sees it may read what runs
            return Future.succeededFuture();
          }, new DistributionClient.ConnectionListener() {
            @Override
            public void disconnected(SocketAddress engine, String reason) {
              lastDisconnect.set(reason);
            }
          });
      clients.add(client);
      if (health != null) {
        client.reportAppHealth(health);
      }
      if (inbound != null) {
        client.advertise(inbound);
      }
    }

    Snapshot last() {
      return received.get(received.size() - 1);
    }
  }

  private long apply(String yaml) throws Exception {
    return loopback.apply(yaml);
  }
}
