package dev.crossgate.policy.server;

import static dev.crossgate.policy.server.store.TestPolicies.base;
import static dev.crossgate.policy.server.store.TestPolicies.load;
import static dev.crossgate.policy.server.store.TestPolicies.route;
import static dev.crossgate.policy.server.store.TestPolicies.service;
import static dev.crossgate.policy.server.store.TestPolicies.withBase;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crossgate.policy.distribution.AppliedSnapshot;
import dev.crossgate.policy.distribution.DistributionClient;
import dev.crossgate.policy.distribution.DistributionClientSettings;
import dev.crossgate.policy.distribution.NodeIdentity;
import dev.crossgate.policy.distribution.v1.Snapshot;
import dev.crossgate.policy.server.distribution.DistributionService;
import dev.crossgate.policy.server.store.ChangeSet;
import dev.crossgate.policy.server.store.Revision;
import dev.crossgate.policy.server.store.TestPolicies;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
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
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).build();

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
    PolicyServerOptions options = LoopbackCluster.options(data, n, 3, ports);
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
    // Every engine counts every node: C sees its own gw-c and A's gw-a.
    eventually(Duration.ofSeconds(20), () -> engines[2].nodes().convergence(second).applied() == 2);

    // Engine C stops: its data plane moves to B and keeps receiving what A writes.
    engines[2].close();
    engines[2] = null;
    awaitView(2, engines[0], engines[1]);
    eventually(Duration.ofSeconds(20), () -> engines[1].nodes().nodes().stream()
        .anyMatch(n -> n.nodeId().equals("gw-c") && n.engine().equals("engine-1")));
    long third = apply(engines[0], load(service("users", 9100)));
    eventually(Duration.ofSeconds(20), () -> onC.runs() == third && onA.runs() == third);
    assertThat(onC.received.stream().map(Snapshot::getRevision).distinct())
        .contains(first, second, third);
  }

  @Test
  void aSidecarOnOneEngineIsInTheMeshEndpointsEveryEngineSends() throws Exception {
    ports = FreePorts.block(6);
    startAll();
    vertx = Vertx.vertx();
    apply(engines[0], base());
    long revision = apply(engines[0], List.of(withBase(route("users", "/users", "users"))));
    // A gateway routing to users streams from engine A (0); a users sidecar from engine B (1).
    Node gateway = new Node("gw-a", engines[0]);
    eventually(Duration.ofSeconds(20), () -> gateway.runs() >= revision);
    DistributionClient users = DistributionClient.start(vertx, new DistributionClientSettings(
            List.of(SocketAddress.inetSocketAddress(engines[1].distributionPort(), "127.0.0.1")),
            Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofMillis(50),
            Duration.ofMillis(500)),
        new NodeIdentity("users-1", dev.crossgate.policy.distribution.v1.NodeRole.NODE_ROLE_SIDECAR,
            "", "users", "shop", "test"),
        () -> AppliedSnapshot.NONE, snapshot -> Future.succeededFuture(),
        new DistributionClient.ConnectionListener() { });
    await(users.advertise(dev.crossgate.policy.distribution.v1.Endpoint.newBuilder()
        .setAddress("127.0.0.1").setPort(7101).build()));

    eventually(Duration.ofSeconds(20), () -> {
      Snapshot last = gateway.received.get(gateway.received.size() - 1);
      return last.getMeshEndpointsCount() == 1
          && last.getMeshEndpoints(0).getService().equals("users")
          && last.getMeshEndpoints(0).getEndpoints(0).getPort() == 7101;
    });
    // Its stream ends on engine B: engine A takes it out of the set too.
    await(users.close());
    eventually(Duration.ofSeconds(20), () -> gateway.received.get(gateway.received.size() - 1)
        .getMeshEndpointsCount() == 0);
  }

  @Test
  void everyEngineCountsEveryNodeAndAcceptsTokensMadeOnAnother() throws Exception {
    ports = FreePorts.block(6);
    startAll();
    vertx = Vertx.vertx();
    long first = apply(engines[0], base());
    // The only data plane streams from engine B (1).
    Node onB = new Node("gw-b", engines[1]);
    eventually(Duration.ofSeconds(20), () -> onB.runs() == first);
    eventually(Duration.ofSeconds(20), () -> engines[0].nodes().nodes().stream()
        .anyMatch(n -> n.nodeId().equals("gw-b") && n.engine().equals("engine-1")
            && n.appliedRevision() == first));

    // apply?wait=true through engine A returns once the node on B has applied the revision.
    String adminA = Files.readString(data.resolve("engine-0/tokens/admin.token")).strip();
    HttpResponse<String> applied = http(engines[0], adminA, HttpRequest.newBuilder(
            api(engines[0], "/api/v1/apply?wait=true&timeout=20s"))
        .header("Content-Type", "application/yaml")
        .POST(HttpRequest.BodyPublishers.ofString(
            TestPolicies.yaml(TestPolicies.route("users", "/users", "users")))));
    assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
    JsonNode answer = JSON.readTree(applied.body());
    long second = answer.at("/revision/number").asLong();
    assertThat(answer.at("/convergence/applied").asInt()).isEqualTo(1);
    assertThat(answer.at("/convergence/total").asInt()).isEqualTo(1);
    assertThat(answer.at("/convergence/complete").asBoolean()).isTrue();
    assertThat(onB.runs()).isEqualTo(second);

    // A token made on A works on C; so does A's own admin token (shared as a digest).
    HttpResponse<String> created = http(engines[0], adminA, HttpRequest.newBuilder(
            api(engines[0], "/api/v1/tokens"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"ci\"}")));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String ci = JSON.readTree(created.body()).get("token").asText();
    HttpResponse<String> status = http(engines[2], ci, HttpRequest.newBuilder(
        api(engines[2], "/api/v1/status")));
    assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
    JsonNode nodes = JSON.readTree(status.body()).get("nodes");
    assertThat(nodes).hasSize(1);
    assertThat(nodes.get(0).get("nodeId").asText()).isEqualTo("gw-b");
    assertThat(nodes.get(0).get("engine").asText()).isEqualTo("engine-1");
    assertThat(nodes.get(0).get("appliedRevision").asLong()).isEqualTo(second);
    assertThat(http(engines[2], adminA, HttpRequest.newBuilder(api(engines[2], "/api/v1/status")))
        .statusCode()).isEqualTo(200);
    assertThat(http(engines[2], "not-a-token", HttpRequest.newBuilder(
        api(engines[2], "/api/v1/status"))).statusCode()).isEqualTo(401);

    // Engine B stops: the node it held is no longer counted anywhere.
    engines[1].close();
    engines[1] = null;
    awaitView(2, engines[0], engines[2]);
    eventually(Duration.ofSeconds(20), () -> engines[0].nodes().nodes().isEmpty()
        && engines[2].nodes().nodes().isEmpty());
  }

  private static URI api(PolicyServer engine, String path) {
    return URI.create("http://127.0.0.1:" + engine.apiPort() + path);
  }

  private static HttpResponse<String> http(PolicyServer engine, String token,
      HttpRequest.Builder request) throws Exception {
    return HTTP.send(request.header("Authorization", "Bearer " + token)
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
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
            running.set(new AppliedSnapshot(snapshot.getRevision(), snapshot.getHash()));
            received.add(snapshot); // after running: a test that sees it may read what runs
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
