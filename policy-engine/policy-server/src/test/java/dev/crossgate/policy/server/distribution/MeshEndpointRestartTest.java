package dev.crossgate.policy.server.distribution;

import static dev.crossgate.policy.server.distribution.MeshSets.endpoint;
import static dev.crossgate.policy.server.distribution.MeshSets.endpointsOf;
import static dev.crossgate.policy.server.distribution.LoopbackEngine.await;
import static dev.crossgate.policy.server.distribution.LoopbackEngine.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.distribution.AppliedSnapshot;
import dev.crossgate.policy.distribution.DistributionClient;
import dev.crossgate.policy.distribution.DistributionClientSettings;
import dev.crossgate.policy.distribution.NodeIdentity;
import dev.crossgate.policy.distribution.v1.Endpoint;
import dev.crossgate.policy.distribution.v1.NodeRole;
import dev.crossgate.policy.distribution.v1.Snapshot;
import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import dev.crossgate.policy.server.ca.MeshCaOptions;
import dev.crossgate.policy.server.store.ChangeSet;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.nio.file.Files;
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
 * Mesh endpoints across an engine restart, with the real engine (stopped and started again on
 * the same data directory and ports) and real data-plane clients that reconnect on their own:
 * the restarted engine starts from the endpoints it served, so the sets its snapshots carry
 * never go empty while the sidecars reconnect; an endpoint whose sidecar does not come back
 * leaves once the grace ends.
 */
class MeshEndpointRestartTest {

  private static final String RESOURCES = TestPolicies.of(
      TestPolicies.service("shop", "reviews", 9001),
      TestPolicies.service("shop", "front", 9002),
      TestPolicies.migration("shop", "reviews", "strict"));

  @TempDir Path data;
  PolicyServer engine;
  Vertx vertx;
  int apiPort;
  int distributionPort;
  final List<DistributionClient> clients = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    engine = startEngine(0, 0, Duration.ofSeconds(30));
    apiPort = engine.apiPort();
    distributionPort = engine.distributionPort();
    await(engine.store().apply(ChangeSet.puts(PolicyLoader.loadString("test.yaml", RESOURCES)
        .bundleOrThrow().resources()), OptionalLong.empty(), "test", "test"));
  }

  @AfterEach
  void stop() throws Exception {
    for (DistributionClient client : clients) {
      await(client.close());
    }
    await(vertx.close());
    if (engine != null) {
      engine.close();
    }
  }

  @Test
  void theEndpointSetNeverGoesEmptyWhileSidecarsReconnectToARestartedEngine() throws Exception {
    Node caller = new Node("front-1", "front");
    Node first = new Node("reviews-1", "reviews");
    Node second = new Node("reviews-2", "reviews");
    await(first.client.advertise(endpoint(7001)));
    await(second.client.advertise(endpoint(7002)));
    List<Endpoint> both = List.of(endpoint(7001), endpoint(7002));
    eventually(() -> !caller.received.isEmpty()
        && endpointsOf(caller.last(), "reviews").equals(both));
    int before = caller.received.size();

    engine.close();
    engine = startEngine(apiPort, distributionPort, Duration.ofSeconds(30));
    // Before any sidecar is back, the engine serves what it served before.
    assertThat(engine.nodes().meshEndpoints().endpoints("shop/reviews")).isEqualTo(both);

    eventually(() -> engine.nodes().nodes().size() == 3
        && engine.nodes().meshEndpoints().provisionalCount() == 0);
    assertThat(engine.nodes().meshEndpoints().endpoints("shop/reviews")).isEqualTo(both);
    // Every snapshot the caller got since it first saw both endpoints still has both. A copy:
    // the client may still add snapshots, and a live subList would then throw while iterated.
    List<Snapshot> since = List.copyOf(caller.received);
    assertThat(since.subList(before - 1, since.size()))
        .allSatisfy(s -> assertThat(endpointsOf(s, "reviews")).isEqualTo(both));

    // Once re-registered, the sidecars are live records again: a stream ending drops at once.
    clients.remove(second.client);
    await(second.client.close());
    eventually(() -> endpointsOf(caller.last(), "reviews").equals(List.of(endpoint(7001))));
  }

  @Test
  void anEndpointWhoseSidecarDoesNotComeBackLeavesAfterTheGrace() throws Exception {
    Node caller = new Node("front-1", "front");
    Node first = new Node("reviews-1", "reviews");
    Node gone = new Node("reviews-2", "reviews");
    await(first.client.advertise(endpoint(7001)));
    await(gone.client.advertise(endpoint(7002)));
    eventually(() -> !caller.received.isEmpty()
        && endpointsOf(caller.last(), "reviews").size() == 2);

    engine.close();
    assertThat(Files.readString(data.resolve(MeshEndpointMemory.FILE)))
        .contains("reviews-1").contains("reviews-2");
    clients.remove(gone.client);
    await(gone.client.close()); // dies while the engine is down
    engine = startEngine(apiPort, distributionPort, Duration.ofSeconds(2));
    assertThat(engine.nodes().meshEndpoints().endpoints("shop/reviews")).hasSize(2);

    // reviews-1 registers again; reviews-2 never does, and leaves when the grace ends.
    eventually(() -> engine.nodes().meshEndpoints().provisionalCount() == 0);
    eventually(() -> endpointsOf(caller.last(), "reviews").equals(List.of(endpoint(7001))));
    assertThat(engine.nodes().meshEndpoints().endpoints("shop/reviews"))
        .containsExactly(endpoint(7001));
    eventually(() -> {
      try {
        String remembered = Files.readString(data.resolve(MeshEndpointMemory.FILE));
        return remembered.contains("reviews-1") && !remembered.contains("reviews-2");
      } catch (java.io.IOException e) {
        return false;
      }
    });
  }

  @Test
  void aSidecarThatReRegistersAtAnotherPortReplacesItsKeptEndpointBeforeTheGraceEnds()
      throws Exception {
    Node caller = new Node("front-1", "front");
    Node moving = new Node("reviews-1", "reviews");
    await(moving.client.advertise(endpoint(7001)));
    eventually(() -> !caller.received.isEmpty()
        && endpointsOf(caller.last(), "reviews").equals(List.of(endpoint(7001))));

    engine.close();
    await(moving.client.advertise(endpoint(7003)));
    engine = startEngine(apiPort, distributionPort, Duration.ofMinutes(10));
    eventually(() -> endpointsOf(caller.last(), "reviews").equals(List.of(endpoint(7003))));
    assertThat(engine.nodes().meshEndpoints().provisionalCount()).isZero();
  }

  @Test
  void anUnreadableMemoryIsIgnoredAndTheEngineStarts() throws Exception {
    engine.close();
    Files.writeString(data.resolve(MeshEndpointMemory.FILE), "{not json");
    engine = startEngine(apiPort, distributionPort, Duration.ofSeconds(30));
    assertThat(engine.nodes().meshEndpoints().all()).isEmpty();
    assertThat(engine.nodes().meshEndpoints().provisionalCount()).isZero();
  }

  private PolicyServer startEngine(int api, int distribution, Duration grace) {
    return PolicyServer.start(PolicyServerOptions.defaults(data)
            .withApi("127.0.0.1", api).withDistributionPort(distribution),
        new DistributionService.Settings(Duration.ofMillis(200), Duration.ofSeconds(2)),
        MeshCaOptions.defaults(), grace);
  }

  /** A sidecar's data-plane client that records what it receives. */
  private final class Node {
    final List<Snapshot> received = new CopyOnWriteArrayList<>();
    final AtomicReference<AppliedSnapshot> running = new AtomicReference<>(AppliedSnapshot.NONE);
    final DistributionClient client;

    Node(String id, String service) {
      client = DistributionClient.start(vertx, new DistributionClientSettings(
              List.of(SocketAddress.inetSocketAddress(distributionPort, "127.0.0.1")),
              Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofMillis(50),
              Duration.ofMillis(500)),
          new NodeIdentity(id, NodeRole.NODE_ROLE_SIDECAR, "", service, "shop", "test"),
          running::get, snapshot -> {
            running.set(new AppliedSnapshot(snapshot.getRevision(), snapshot.getHash()));
            received.add(snapshot); // after running: a test that sees it may read what runs
            return Future.succeededFuture();
          }, new DistributionClient.ConnectionListener() {});
      clients.add(client);
    }

    Snapshot last() {
      return received.get(received.size() - 1);
    }
  }
}
