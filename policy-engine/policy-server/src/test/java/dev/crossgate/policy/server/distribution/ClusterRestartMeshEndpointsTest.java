package dev.crossgate.policy.server.distribution;

import static dev.crossgate.policy.server.distribution.MeshSets.endpoint;
import static dev.crossgate.policy.server.distribution.MeshSets.endpointsOf;
import static dev.crossgate.policy.server.distribution.LoopbackEngine.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.distribution.AppliedSnapshot;
import dev.crossgate.policy.distribution.DistributionClient;
import dev.crossgate.policy.distribution.DistributionClientSettings;
import dev.crossgate.policy.distribution.NodeIdentity;
import dev.crossgate.policy.distribution.v1.Endpoint;
import dev.crossgate.policy.distribution.v1.NodeRole;
import dev.crossgate.policy.distribution.v1.Snapshot;
import dev.crossgate.policy.server.FreePorts;
import dev.crossgate.policy.server.LoopbackCluster;
import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import dev.crossgate.policy.server.ca.MeshCaOptions;
import dev.crossgate.policy.server.store.ChangeSet;
import dev.crossgate.policy.server.store.InfinispanPolicyStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mesh endpoints across a restart of a whole cluster of engines (three real engines, clustered
 * over JGroups on loopback, stopped together and started again on the same data directories and
 * ports), with real data-plane clients that reconnect on their own: the shared node records are
 * gone with the cluster, and each engine starts from the endpoints it remembers, so the sets a
 * caller receives never go empty while the sidecars come back, even when the caller is back
 * before them.
 */
class ClusterRestartMeshEndpointsTest {

  private static final int ENGINES = 3;
  private static final String RESOURCES = TestPolicies.of(
      TestPolicies.service("shop", "reviews", 9001),
      TestPolicies.service("shop", "front", 9002),
      TestPolicies.migration("shop", "reviews", "strict"));

  @TempDir Path data;
  final PolicyServer[] engines = new PolicyServer[ENGINES];
  final List<DistributionClient> clients = new CopyOnWriteArrayList<>();
  Vertx vertx;
  /** Per engine n: cluster port [n], failure-detection port [n + 3], distribution port [n + 6]. */
  int[] ports;

  @AfterEach
  void stop() throws Exception {
    for (DistributionClient client : clients) {
      await(client.close());
    }
    if (vertx != null) {
      await(vertx.close());
    }
    inParallel(n -> () -> {
      if (engines[n] != null) {
        engines[n].close();
      }
    });
  }

  @Test
  void theSetsStayWhileEverySidecarReconnectsToARestartedCluster() throws Exception {
    startClusterWithResources();
    // The caller streams from engine 0 first; the two reviews sidecars from engines 1 and 2.
    Node caller = new Node("front-1", "front", 0);
    Node first = new Node("reviews-1", "reviews", 1);
    Node second = new Node("reviews-2", "reviews", 2);
    await(first.client.advertise(endpoint(7001)));
    await(second.client.advertise(endpoint(7002)));
    List<Endpoint> both = List.of(endpoint(7001), endpoint(7002));
    eventually(() -> !caller.received.isEmpty()
        && endpointsOf(caller.last(), "reviews").equals(both));
    int before = caller.received.size();

    inParallel(n -> () -> {
      engines[n].close();
      engines[n] = null;
    });
    // The sidecars stay away until the caller is back: they come back late, after their engines.
    for (Node sidecar : List.of(first, second)) {
      clients.remove(sidecar.client);
      await(sidecar.client.close());
    }
    inParallel(n -> () -> engines[n] = start(n));
    awaitView();
    for (PolicyServer engine : engines) {
      assertThat(engine.nodes().meshEndpoints().endpoints("shop/reviews")).isEqualTo(both);
    }
    eventually(() -> nodesEverywhere(1) && caller.client.connected());
    assertThat(endpointsOf(caller.last(), "reviews")).isEqualTo(both);

    Node firstAgain = new Node("reviews-1", "reviews", 1);
    Node secondAgain = new Node("reviews-2", "reviews", 2);
    await(firstAgain.client.advertise(endpoint(7001)));
    await(secondAgain.client.advertise(endpoint(7002)));
    eventually(() -> nodesEverywhere(3) && provisionalEverywhere() == 0);
    for (PolicyServer engine : engines) {
      assertThat(engine.nodes().meshEndpoints().endpoints("shop/reviews")).isEqualTo(both);
    }
    // Every snapshot the caller got since it first saw both endpoints still has both.
    List<Snapshot> since = List.copyOf(caller.received);
    assertThat(since.subList(before - 1, since.size()))
        .allSatisfy(s -> assertThat(endpointsOf(s, "reviews")).isEqualTo(both));

    // The sidecars are live records of the new cluster: a stream ending drops at once.
    clients.remove(secondAgain.client);
    await(secondAgain.client.close());
    eventually(() -> endpointsOf(caller.last(), "reviews").equals(List.of(endpoint(7001))));
  }

  @Test
  void enginesThatRememberNothingServeWhatAnotherEngineOfTheRestartingClusterKeeps()
      throws Exception {
    startClusterWithResources();
    Node first = new Node("reviews-1", "reviews", 1);
    Node second = new Node("reviews-2", "reviews", 2);
    await(first.client.advertise(endpoint(7001)));
    await(second.client.advertise(endpoint(7002)));
    List<Endpoint> both = List.of(endpoint(7001), endpoint(7002));
    eventually(() -> engines[0].nodes().meshEndpoints().endpoints("shop/reviews").equals(both));
    inParallel(n -> () -> {
      engines[n].close();
      engines[n] = null;
    });
    for (Node sidecar : List.of(first, second)) {
      clients.remove(sidecar.client);
      await(sidecar.client.close());
    }
    // Engines 1 and 2 lost their memory; engine 0 starts first with its own.
    for (int n = 1; n < ENGINES; n++) {
      Files.writeString(data.resolve("engine-" + n).resolve(MeshEndpointMemory.FILE), "[]");
    }
    // Long enough for engines 1 and 2 to start and join on a loaded machine (20 s was not once).
    Duration grace = Duration.ofSeconds(60);
    engines[0] = start(0, grace);
    assertThat(engines[0].nodes().meshEndpoints().provisionalCount()).isEqualTo(2);
    inParallel(n -> () -> {
      if (n > 0) {
        engines[n] = start(n, grace);
      }
    });
    awaitView();
    eventually(() -> engines[1].nodes().meshEndpoints().endpoints("shop/reviews").equals(both)
        && engines[2].nodes().meshEndpoints().endpoints("shop/reviews").equals(both));

    // reviews-1 comes back; reviews-2 does not, and leaves every engine's set when engine 0's
    // grace ends, even though engine 0 stopped meanwhile (what it kept outlives it).
    Node firstAgain = new Node("reviews-1", "reviews", 1);
    await(firstAgain.client.advertise(endpoint(7001)));
    eventually(() -> engines[0].nodes().meshEndpoints().provisionalCount() == 1);
    engines[0].close();
    engines[0] = null;
    for (int n = 1; n < ENGINES; n++) {
      assertThat(engines[n].nodes().meshEndpoints().endpoints("shop/reviews")).isEqualTo(both);
    }
    for (int n = 1; n < ENGINES; n++) {
      int engine = n;
      eventually(Duration.ofSeconds(120), () -> engines[engine].nodes().meshEndpoints()
          .endpoints("shop/reviews").equals(List.of(endpoint(7001))));
    }
  }

  @Test
  void anEngineThatStopsHandsItsSidecarsEndpointsOverUntilTheyReconnect() throws Exception {
    startClusterWithResources();
    Node caller = new Node("front-1", "front", 0);
    Node first = new Node("reviews-1", "reviews", 1);
    await(first.client.advertise(endpoint(7001)));
    eventually(() -> !caller.received.isEmpty()
        && endpointsOf(caller.last(), "reviews").equals(List.of(endpoint(7001))));
    int before = caller.received.size();

    // Engine 1 stops: reviews-1 reconnects to engine 2; the caller on engine 0 never loses it.
    engines[1].close();
    engines[1] = null;
    eventually(() -> engines[0].nodes().nodes().size() == 2
        && engines[0].nodes().meshEndpoints().endpoints("shop/reviews")
            .equals(List.of(endpoint(7001))));
    List<Snapshot> since = List.copyOf(caller.received);
    assertThat(since.subList(before - 1, since.size()))
        .allSatisfy(s -> assertThat(endpointsOf(s, "reviews")).containsExactly(endpoint(7001)));
    // Live again on engine 2, it leaves at once when its stream ends.
    clients.remove(first.client);
    await(first.client.close());
    eventually(() -> endpointsOf(caller.last(), "reviews").isEmpty());
  }

  @Test
  void anEngineThatLeavesUnannouncedHasItsSidecarsEndpointsKeptByTheCoordinator()
      throws Exception {
    startClusterWithResources();
    Node caller = new Node("front-1", "front", 0);
    Node first = new Node("reviews-1", "reviews", 1);
    await(first.client.advertise(endpoint(7001)));
    eventually(() -> !caller.received.isEmpty()
        && endpointsOf(caller.last(), "reviews").equals(List.of(endpoint(7001))));
    int before = caller.received.size();

    // Engine 1 drops out of the cluster without handing anything over (its cluster node stops
    // first, as when its process dies); then its streams end and reviews-1 moves on.
    ((InfinispanPolicyStore) engines[1].store()).cacheManager().stop();
    eventually(() -> engines[0].clusterMembers().size() == 2);
    engines[1].close();
    engines[1] = null;
    eventually(() -> engines[0].nodes().nodes().size() == 2
        && engines[0].nodes().meshEndpoints().endpoints("shop/reviews")
            .equals(List.of(endpoint(7001))));
    List<Snapshot> since = List.copyOf(caller.received);
    assertThat(since.subList(before - 1, since.size()))
        .allSatisfy(s -> assertThat(endpointsOf(s, "reviews")).containsExactly(endpoint(7001)));
  }

  @Test
  void anEngineRestartedAloneTakesTheRunningClustersSetsNotWhatItRemembers() throws Exception {
    startClusterWithResources();
    Node caller = new Node("front-1", "front", 0);
    Node first = new Node("reviews-1", "reviews", 0);
    Node gone = new Node("reviews-2", "reviews", 1);
    await(first.client.advertise(endpoint(7001)));
    await(gone.client.advertise(endpoint(7002)));
    eventually(() -> !caller.received.isEmpty()
        && endpointsOf(caller.last(), "reviews").size() == 2);

    // Engine 2 goes down; while it is down, reviews-2 ends; the others drop it at once.
    engines[2].close();
    engines[2] = null;
    clients.remove(gone.client);
    await(gone.client.close());
    eventually(() -> engines[0].nodes().meshEndpoints().endpoints("shop/reviews")
        .equals(List.of(endpoint(7001))));
    engines[2] = start(2);
    awaitView();
    // The running cluster's records say who is live: engine 2 serves the same set as the others.
    assertThat(engines[2].nodes().meshEndpoints().endpoints("shop/reviews"))
        .containsExactly(endpoint(7001));
    assertThat(engines[2].nodes().meshEndpoints().provisionalCount()).isZero();
  }

  /** Three engines started together, the test's resources applied on one. */
  private void startClusterWithResources() throws Exception {
    ports = FreePorts.block(3 * ENGINES);
    inParallel(n -> () -> engines[n] = start(n));
    awaitView();
    vertx = Vertx.vertx();
    await(engines[0].store().apply(ChangeSet.puts(PolicyLoader.loadString("test.yaml", RESOURCES)
        .bundleOrThrow().resources()), OptionalLong.empty(), "test", "test"));
  }

  private PolicyServer start(int n) {
    return start(n, Duration.ofSeconds(60));
  }

  private PolicyServer start(int n, Duration grace) {
    PolicyServerOptions options = LoopbackCluster.options(data, n, ENGINES, ports, ports[2 * ENGINES + n]);
    return PolicyServer.start(options, new DistributionService.Settings(Duration.ofMillis(200),
        Duration.ofSeconds(2)), MeshCaOptions.defaults(), grace);
  }

  private void awaitView() throws Exception {
    eventually(() -> {
      for (PolicyServer engine : engines) {
        if (engine.clusterMembers().size() != ENGINES) {
          return false;
        }
      }
      return true;
    });
  }

  private boolean nodesEverywhere(int count) {
    for (PolicyServer engine : engines) {
      if (engine.nodes().nodes().size() != count) {
        return false;
      }
    }
    return true;
  }

  private int provisionalEverywhere() {
    int kept = 0;
    for (PolicyServer engine : engines) {
      kept += engine.nodes().meshEndpoints().provisionalCount();
    }
    return kept;
  }

  /** Runs one task per engine at once, as an operator's processes would; waits for all. */
  private static void inParallel(IntFunction<ThrowingRunnable> task) throws Exception {
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    for (int i = 0; i < ENGINES; i++) {
      ThrowingRunnable runnable = task.apply(i);
      Thread thread = new Thread(() -> {
        try {
          runnable.run();
        } catch (Throwable e) {
          failures.add(e);
        }
      });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(failures).isEmpty();
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  private static void eventually(BooleanSupplier condition) throws InterruptedException {
    eventually(Duration.ofSeconds(60), condition);
  }

  private static void eventually(Duration within, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + within.toSeconds() + " s");
      }
      Thread.sleep(25);
    }
  }

  /** A data-plane client that lists every engine, its own first, and records what it gets. */
  private final class Node {
    final List<Snapshot> received = new CopyOnWriteArrayList<>();
    final AtomicReference<AppliedSnapshot> running = new AtomicReference<>(AppliedSnapshot.NONE);
    final DistributionClient client;

    Node(String id, String service, int engine) {
      List<SocketAddress> addresses = IntStream.range(0, ENGINES)
          .map(i -> (engine + i) % ENGINES)
          .mapToObj(i -> SocketAddress.inetSocketAddress(ports[2 * ENGINES + i], "127.0.0.1"))
          .toList();
      client = DistributionClient.start(vertx, new DistributionClientSettings(addresses,
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
