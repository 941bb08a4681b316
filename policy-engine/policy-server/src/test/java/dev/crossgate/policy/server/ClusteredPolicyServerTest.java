package dev.crossgate.policy.server;

import static dev.crossgate.policy.server.store.TestPolicies.base;
import static dev.crossgate.policy.server.store.TestPolicies.load;
import static dev.crossgate.policy.server.store.TestPolicies.route;
import static dev.crossgate.policy.server.store.TestPolicies.service;
import static dev.crossgate.policy.server.store.TestPolicies.withBase;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.distribution.AppliedSnapshot;
import dev.crossgate.policy.distribution.DistributionClient;
import dev.crossgate.policy.distribution.DistributionClientSettings;
import dev.crossgate.policy.distribution.NodeIdentity;
import dev.crossgate.policy.distribution.v1.Snapshot;
import dev.crossgate.policy.server.distribution.DistributionService;
import dev.crossgate.policy.server.store.ChangeSet;
import dev.crossgate.policy.server.store.InfinispanOptions;
import dev.crossgate.policy.server.store.Revision;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three engines in one JVM form one Infinispan cluster over JGroups TCP + TCPPING on loopback,
 * each with its own data directory: a write on any engine is heard (and pushed) by every engine,
 * data planes move to a surviving engine when theirs stops, and a full restart brings every
 * revision back.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ClusteredPolicyServerTest {

  private static final OptionalLong ANY = OptionalLong.empty();

  @TempDir Path data;
  final PolicyServer[] engines = new PolicyServer[3];
  final List<DistributionClient> clients = new CopyOnWriteArrayList<>();
  Vertx vertx;
  int[] ports;

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

  private void startAll() throws Exception {
    // Started together, as an operator's three processes would be.
    List<Thread> starters = new ArrayList<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 3; i++) {
      int n = i;
      Thread thread = new Thread(() -> {
        try {
          engines[n] = start(n);
        } catch (Throwable e) {
          failures.add(e);
        }
      });
      starters.add(thread);
      thread.start();
    }
    for (Thread thread : starters) {
      thread.join();
    }
    assertThat(failures).isEmpty();
    awaitView(3, engines);
  }

  private PolicyServer start(int n) {
    String members = IntStream.range(0, 3).mapToObj(i -> "127.0.0.1[" + ports[i] + "]")
        .reduce((a, b) -> a + "," + b).orElseThrow();
    PolicyServerOptions options = PolicyServerOptions.defaults(data.resolve("engine-" + n))
        .withApi("127.0.0.1", 0).withDistributionPort(0)
        .withCluster(InfinispanOptions.TCP_STACK, "engine-" + n)
        .withClusterMembers("127.0.0.1", ports[n], members)
        .withClusterProperties(java.util.Map.of(
            PolicyServerOptions.BIND_ADDR, "127.0.0.1",
            PolicyServerOptions.BIND_PORT, String.valueOf(ports[n]),
            PolicyServerOptions.INITIAL_HOSTS, members,
            PolicyServerOptions.FD_OFFSET, "3")); // FD_SOCK2 on ports[n] + 3, also free
    return PolicyServer.start(options, new DistributionService.Settings(Duration.ofMillis(200),
        Duration.ofSeconds(2)));
  }

  private static void awaitView(int size, PolicyServer... servers) throws Exception {
    eventually(Duration.ofSeconds(60), () -> {
      for (PolicyServer server : servers) {
        if (server != null && server.clusterMembers().size() != size) {
          return false;
        }
      }
      return true;
    });
  }

  @Test
  void aWriteOnOneEngineReachesDataPlanesOfEveryEngineAndSurvivesAnEngineStopping()
      throws Exception {
    ports = FreePorts.block(6);
    startAll();
    assertThat(engines[0].clusterMembers()).containsExactlyInAnyOrder("engine-0", "engine-1",
        "engine-2");

    List<List<Revision>> heard = new ArrayList<>();
    for (PolicyServer engine : engines) {
      List<Revision> revisions = new CopyOnWriteArrayList<>();
      engine.store().onRevision(revisions::add);
      heard.add(revisions);
    }
    vertx = Vertx.vertx();
    // A data plane on engine C (2) that falls back to B (1); another on A (0) only.
    Node onC = new Node("gw-c", engines[2], engines[1]);
    Node onA = new Node("gw-a", engines[0]);
    eventually(Duration.ofSeconds(20), () -> onC.connected() && onA.connected());

    long first = apply(engines[0], base());
    for (List<Revision> revisions : heard) {
      eventually(Duration.ofSeconds(20), () -> revisions.stream()
          .anyMatch(r -> r.number() == first));
    }
    eventually(Duration.ofSeconds(20), () -> onC.runs() == first && onA.runs() == first);

    long second = apply(engines[1], List.of(withBase(route("users", "/users", "users"))));
    eventually(Duration.ofSeconds(20), () -> onC.runs() == second && onA.runs() == second);
    assertThat(engines[2].nodes().convergence(second).applied()).isEqualTo(1);

    // Engine C stops: its data plane moves to B and keeps receiving what A writes.
    engines[2].close();
    engines[2] = null;
    awaitView(2, engines[0], engines[1]);
    eventually(Duration.ofSeconds(20), () -> engines[1].nodes().nodes().stream()
        .anyMatch(n -> n.nodeId().equals("gw-c")));
    long third = apply(engines[0], load(service("users", 9100)));
    eventually(Duration.ofSeconds(20), () -> onC.runs() == third && onA.runs() == third);
    assertThat(onC.received.stream().map(Snapshot::getRevision).distinct())
        .contains(first, second, third);
  }

  @Test
  void aFullRestartOnTheSameDataDirectoriesBringsEveryRevisionBack() throws Exception {
    ports = FreePorts.block(6);
    startAll();
    apply(engines[0], base());
    apply(engines[1], List.of(withBase(route("users", "/users", "users"))));
    for (int port = 9100; port < 9105; port++) {
      apply(engines[port % 3], load(service("users", port)));
    }
    List<Revision> history = await(engines[2].store().history(100, ANY));
    assertThat(history).hasSize(7);
    var current = await(engines[1].store().current());
    for (int i = 0; i < 3; i++) {
      engines[i].close();
      engines[i] = null;
    }

    startAll();
    for (PolicyServer engine : engines) {
      assertThat(await(engine.store().history(100, ANY))).isEqualTo(history);
      assertThat(await(engine.store().current())).isEqualTo(current);
    }
    assertThat(apply(engines[2], load(service("orders", 9200)))).isEqualTo(8);
    eventually(Duration.ofSeconds(20), () -> {
      try {
        return await(engines[0].store().current()).revision() == 8;
      } catch (Exception e) {
        return false;
      }
    });
  }

  @Test
  void anEngineThatMissedRevisionsAndStartsFirstDoesNotTakeThemAway() throws Exception {
    ports = FreePorts.block(6);
    startAll();
    apply(engines[0], base());
    engines[2].close();
    engines[2] = null;
    awaitView(2, engines[0], engines[1]);
    apply(engines[0], List.of(withBase(route("users", "/users", "users"))));
    apply(engines[1], load(service("users", 9100)));
    List<Revision> history = await(engines[0].store().history(100, ANY));
    assertThat(history).hasSize(3);
    engines[0].close();
    engines[0] = null;
    engines[1].close();
    engines[1] = null;

    // The stale engine comes back first and forms the cluster; the others join it.
    engines[2] = start(2);
    engines[0] = start(0);
    engines[1] = start(1);
    awaitView(3, engines);
    for (PolicyServer engine : engines) {
      assertThat(await(engine.store().history(100, ANY))).isEqualTo(history);
    }
  }

  // ---- helpers

  private static long apply(PolicyServer engine, List<dev.crossgate.policy.model.Resource> puts)
      throws Exception {
    return await(engine.store().apply(ChangeSet.puts(puts), ANY, "test", "test")).revision()
        .number();
  }

  /** A data plane that ACKs everything and remembers what it runs. */
  private final class Node {
    final List<Snapshot> received = new CopyOnWriteArrayList<>();
    final AtomicReference<AppliedSnapshot> running = new AtomicReference<>(AppliedSnapshot.NONE);
    final DistributionClient client;

    Node(String id, PolicyServer... engines) {
      List<SocketAddress> addresses = java.util.Arrays.stream(engines)
          .map(e -> SocketAddress.inetSocketAddress(e.distributionPort(), "127.0.0.1")).toList();
      client = DistributionClient.start(vertx, new DistributionClientSettings(addresses,
              Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofMillis(50),
              Duration.ofMillis(500)),
          NodeIdentity.gateway(id, "shop/edge", "test"), running::get, snapshot -> {
            received.add(snapshot);
            running.set(new AppliedSnapshot(snapshot.getRevision(), snapshot.getHash()));
            return Future.succeededFuture();
          }, new DistributionClient.ConnectionListener() { });
      clients.add(client);
    }

    boolean connected() {
      return client.connected();
    }

    long runs() {
      return running.get().revision();
    }
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  static void eventually(Duration within, BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not true within " + within);
      }
      Thread.sleep(25);
    }
  }
}
