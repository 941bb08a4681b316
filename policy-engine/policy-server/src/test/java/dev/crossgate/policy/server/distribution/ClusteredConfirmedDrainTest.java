package dev.crossgate.policy.server.distribution;

import static dev.crossgate.policy.server.distribution.MeshSets.endpoint;
import static dev.crossgate.policy.server.distribution.MeshSets.lists;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.distribution.AppliedSnapshot;
import dev.crossgate.policy.distribution.DistributionClient;
import dev.crossgate.policy.distribution.DistributionClientSettings;
import dev.crossgate.policy.distribution.DrainProgress;
import dev.crossgate.policy.distribution.NodeIdentity;
import dev.crossgate.policy.distribution.v1.NodeRole;
import dev.crossgate.policy.distribution.v1.Snapshot;
import dev.crossgate.policy.server.FreePorts;
import dev.crossgate.policy.server.LoopbackCluster;
import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import dev.crossgate.policy.server.store.ChangeSet;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Confirmed drain across two clustered engines: the draining sidecar's stream is on engine A,
 * its callers' on engine B. B's nodes hold the confirmation back (a stuck one by name) until
 * each ACKs a snapshot without the endpoint or leaves: the node records are shared.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ClusteredConfirmedDrainTest {

  @TempDir Path data;
  final PolicyServer[] engines = new PolicyServer[2];
  final List<DistributionClient> clients = new CopyOnWriteArrayList<>();
  int[] ports;
  Vertx vertx;

  @AfterEach
  void stop() throws Exception {
    for (DistributionClient client : clients) {
      await(client.close());
    }
    if (vertx != null) {
      await(vertx.close());
    }
    for (PolicyServer engine : engines) {
      if (engine != null) {
        engine.close();
      }
    }
  }

  PolicyServer start(int n) {
    PolicyServerOptions options = LoopbackCluster.options(data, n, 2, ports);
    return PolicyServer.start(options, new DistributionService.Settings(Duration.ofMillis(200),
        Duration.ofSeconds(2)));
  }

  @Test
  void nodesOnAnotherEngineHoldTheConfirmationBackUntilTheyDropTheEndpoint() throws Exception {
    ports = FreePorts.block(4);
    Thread other = new Thread(() -> engines[1] = start(1));
    other.start();
    engines[0] = start(0);
    other.join();
    eventually(() -> engines[0].clusterMembers().size() == 2
        && engines[1].clusterMembers().size() == 2);
    var bundle = PolicyLoader.loadString("t.yaml", TestPolicies.of(
        TestPolicies.service("shop", "reviews", 9001),
        TestPolicies.service("shop", "front", 9002))).bundleOrThrow();
    await(engines[0].store().apply(ChangeSet.puts(bundle.resources()), OptionalLong.empty(),
        "test", "test"));
    vertx = Vertx.vertx();

    AtomicReference<Snapshot> callerRuns = new AtomicReference<>();
    client(1, "front-1", "front", snapshot -> {
      callerRuns.set(snapshot);
      return Future.succeededFuture();
    });
    AtomicBoolean stuckGiven = new AtomicBoolean();
    DistributionClient stuck = client(1, "front-stuck", "front", snapshot -> {
      if (stuckGiven.get()) {
        return Promise.<Void>promise().future(); // never applied, never ACKed
      }
      stuckGiven.set(lists(snapshot, 7002));
      return Future.succeededFuture();
    });
    AtomicReference<Snapshot> firstRuns = new AtomicReference<>();
    DistributionClient first = client(0, "reviews-1", "reviews", snapshot -> {
      firstRuns.set(snapshot);
      return Future.succeededFuture();
    });
    DistributionClient second = client(0, "reviews-2", "reviews", s -> Future.succeededFuture());
    await(first.advertise(endpoint(7001)));
    await(second.advertise(endpoint(7002)));
    eventually(() -> lists(callerRuns.get(), 7002) && lists(firstRuns.get(), 7002)
        && stuckGiven.get());

    Future<DrainProgress> confirmed = second.drainConfirmed();
    await(second.drain());
    eventually(() -> second.drainProgress().pendingNodes().equals(List.of("front-stuck"))
        && !lists(callerRuns.get(), 7002));
    assertThat(confirmed.isComplete()).isFalse();

    clients.remove(stuck);
    await(stuck.close());
    DrainProgress progress = await(confirmed);
    // front-1 and front-stuck on engine B, reviews-1 on engine A.
    assertThat(progress.confirmedNodes()).isEqualTo(3);
  }

  private DistributionClient client(int engine, String id, String service,
      DistributionClient.SnapshotHandler handler) {
    DistributionClient client = DistributionClient.start(vertx, new DistributionClientSettings(
            List.of(SocketAddress.inetSocketAddress(engines[engine].distributionPort(),
                "127.0.0.1")),
            Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofMillis(50),
            Duration.ofMillis(500)),
        new NodeIdentity(id, NodeRole.NODE_ROLE_SIDECAR, "", service, "shop", "test"),
        () -> AppliedSnapshot.NONE, handler, new DistributionClient.ConnectionListener() { });
    clients.add(client);
    return client;
  }

  private static void eventually(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition met within 60 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
