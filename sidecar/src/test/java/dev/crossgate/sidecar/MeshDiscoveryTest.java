package dev.crossgate.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import dev.crossgate.policy.server.ca.WorkloadIdentity;
import dev.crossgate.policy.server.distribution.DistributionService;
import dev.crossgate.policy.server.store.ChangeSet;
import dev.crossgate.testkit.TestBackend;
import io.vertx.core.Future;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Mesh service discovery end to end on loopback: the real engine, real sidecars and real apps.
 * A caller ("front") reaches "reviews" through whichever of reviews' sidecars are live, ready and
 * not draining; the MeshMigration's stage and weight split its traffic between the mesh path
 * (the sidecars, mTLS) and the direct path (the static endpoint, plaintext).
 */
class MeshDiscoveryTest {

  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  Path data;
  PolicyServer engine;
  final List<AutoCloseable> open = new ArrayList<>();
  TestBackend frontApp;
  SidecarServer front;

  @BeforeEach
  void start() throws Exception {
    data = Files.createTempDirectory("crossgate-discovery");
    engine = PolicyServer.start(PolicyServerOptions.defaults(data).withApi("127.0.0.1", 0)
        .withDistributionPort(0), new DistributionService.Settings(Duration.ofMillis(500),
            Duration.ofSeconds(15)));
    frontApp = backend("front-app");
    front = sidecar("front", frontApp);
  }

  @AfterEach
  void stop() {
    java.util.Collections.reverse(open);
    for (AutoCloseable closeable : open) {
      try {
        closeable.close();
      } catch (Exception e) {
        // keep closing the rest
      }
    }
    engine.close();
  }

  @Test
  void aSecondSidecarJoinsTheSetAndGetsTraffic() throws Exception {
    TestBackend one = backend("reviews-1");
    SidecarServer first = sidecar("reviews", one);
    reviewsWithDirectEndpoint(one.port());
    MeshView.awaitMeshEndpoints(front, "shop/reviews", List.of(MeshView.inbound(first)));

    TestBackend two = backend("reviews-2");
    SidecarServer second = sidecar("reviews", two);
    MeshView.awaitMeshEndpoints(front, "shop/reviews",
        List.of(MeshView.inbound(first), MeshView.inbound(second)));

    for (int i = 0; i < 60; i++) {
      assertThat(call("/r" + i).statusCode()).isEqualTo(200);
    }
    assertThat(one.requests()).isNotEmpty();
    assertThat(two.requests()).isNotEmpty();
    assertThat(one.requests().size() + two.requests().size()).isEqualTo(60);
    // Through the mesh: each app saw the caller's verified identity.
    assertThat(two.requests().get(0).headers().get("x-crossgate-peer"))
        .containsExactly("spiffe://crossgate.local/ns/shop/sa/front");
  }

  @Test
  void aKilledSidecarLeavesTheSetAndCallersStopPickingIt() throws Exception {
    TestBackend one = backend("reviews-1");
    SidecarServer first = sidecar("reviews", one);
    TestBackend two = backend("reviews-2");
    SidecarServer second = sidecar("reviews", two);
    reviewsWithDirectEndpoint(one.port());
    MeshView.awaitMeshEndpoints(front, "shop/reviews",
        List.of(MeshView.inbound(first), MeshView.inbound(second)));

    AtomicBoolean stop = new AtomicBoolean();
    CompletableFuture<List<Integer>> traffic = traffic(stop);
    eventually(() -> two.requests().size() > 5);
    second.abort(); // its stream (and every connection) cut, no drain
    MeshView.awaitMeshEndpoints(front, "shop/reviews", List.of(MeshView.inbound(first)));
    stop.set(true);
    traffic.get(30, TimeUnit.SECONDS);

    int before = one.requests().size();
    for (int i = 0; i < 40; i++) {
      assertThat(call("/after-kill").statusCode()).isEqualTo(200);
    }
    assertThat(one.requests().size() - before).isEqualTo(40);
  }

  @Test
  void aDrainingSidecarClosesOnceItsCallerDroppedItAndNoRequestFails() throws Exception {
    TestBackend one = backend("reviews-1");
    SidecarServer first = sidecar("reviews", one);
    TestBackend two = backend("reviews-2");
    // A drain period far longer than the test waits: only the engine's confirmation ends it.
    SidecarServer second = SidecarServer.start(options("reviews", two.port())
        .withDrainPeriod(Duration.ofSeconds(30)));
    open.add(second);
    reviewsWithDirectEndpoint(one.port());
    MeshView.awaitMeshEndpoints(front, "shop/reviews",
        List.of(MeshView.inbound(first), MeshView.inbound(second)));
    // The other reviews sidecar is given the endpoint too (its scope holds its own service).
    MeshView.awaitMeshEndpoints(first, "shop/reviews",
        List.of(MeshView.inbound(first), MeshView.inbound(second)));

    AtomicBoolean stop = new AtomicBoolean();
    CompletableFuture<List<Integer>> traffic = traffic(stop);
    eventually(() -> two.requests().size() > 5);
    String secondEndpoint = MeshView.inbound(second);
    int secondInbound = second.inboundPort();
    Thread closing = new Thread(second::close, "drain");
    closing.start();
    // Until the listener closes, and once after: whenever it is seen closed, the caller (read
    // after) no longer has the endpoint. The endpoint never comes back, so the caller had
    // dropped it before the listener closed.
    boolean closed;
    do {
      closed = !MeshView.accepts(secondInbound);
      assertThat(closed && MeshView.meshEndpoints(front, "shop/reviews").contains(secondEndpoint))
          .as("the listener closed while the caller still had the endpoint").isFalse();
      Thread.sleep(5);
    } while (!closed && closing.isAlive());
    closing.join(TimeUnit.SECONDS.toMillis(60));
    assertThat(closing.isAlive()).isFalse();
    assertThat(MeshView.accepts(secondInbound)).isFalse();
    assertThat(MeshView.meshEndpoints(front, "shop/reviews"))
        .containsExactly(MeshView.inbound(first));
    // Ended by the confirmation (the caller and the other reviews sidecar had the endpoint),
    // not by the 30 s period.
    assertThat(second.lastDrain().outcome()).isEqualTo(ConfirmedDrain.Outcome.CONFIRMED);
    assertThat(second.lastDrain().confirmedNodes()).isEqualTo(2);
    assertThat(second.metrics())
        .contains("crossgate_sidecar_drain_total{outcome=\"confirmed\"} 1.0")
        .containsPattern("crossgate_sidecar_drain_seconds [0-9]");
    // The caller keeps sending: its requests go to the other instance.
    int firstBefore = one.requests().size();
    eventually(() -> one.requests().size() >= firstBefore + 20);
    stop.set(true);
    List<Integer> statuses = traffic.get(30, TimeUnit.SECONDS);

    assertThat(statuses).hasSizeGreaterThan(20).containsOnly(200);
  }

  @Test
  void aRequestInFlightWhenTheDrainEndsFinishesAfterTheListenerStoppedAccepting()
      throws Exception {
    TestBackend direct = backend("direct");
    TestBackend app = backend("reviews-1");
    // The app holds each request until the test answers it.
    List<Map.Entry<io.vertx.core.Context, io.vertx.core.http.HttpServerRequest>> held =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    app.behave(request -> held.add(Map.entry(io.vertx.core.Vertx.currentContext(), request)));
    SidecarServer reviews = SidecarServer.start(options("reviews", app.port())
        .withDrainPeriod(Duration.ofSeconds(30)));
    open.add(reviews);
    reviewsWithDirectEndpoint(direct.port());
    MeshView.awaitMeshEndpoints(front, "shop/reviews", List.of(MeshView.inbound(reviews)));
    int inbound = reviews.inboundPort();

    CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> {
      try {
        return call("/held");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    eventually(() -> held.size() == 1);
    Thread closing = new Thread(reviews::close, "drain");
    closing.start();
    eventually(() -> !MeshView.accepts(inbound));
    assertThat(inFlight).isNotDone();
    var request = held.get(0);
    request.getKey().runOnContext(v -> request.getValue().response().end("late"));

    HttpResponse<String> response = inFlight.get(30, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("late");
    closing.join(TimeUnit.SECONDS.toMillis(60));
    assertThat(closing.isAlive()).isFalse();
    assertThat(reviews.lastDrain().outcome()).isEqualTo(ConfirmedDrain.Outcome.CONFIRMED);
  }

  @Test
  void aPlaintextHttp1RequestInFlightWhenTheDrainEndsFinishesWithConnectionClose()
      throws Exception {
    TestBackend app = backend("reviews-1");
    List<Map.Entry<io.vertx.core.Context, io.vertx.core.http.HttpServerRequest>> held =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    app.behave(request -> held.add(Map.entry(io.vertx.core.Vertx.currentContext(), request)));
    SidecarServer reviews = SidecarServer.start(options("reviews", app.port())
        .withDrainPeriod(Duration.ofSeconds(30)));
    open.add(reviews);
    reviewsWithDirectEndpoint(app.port());
    MeshView.awaitMeshEndpoints(front, "shop/reviews", List.of(MeshView.inbound(reviews)));
    int inbound = reviews.inboundPort();

    // Straight to the inbound port, plaintext HTTP/1.1 (PERMISSIVE accepts it).
    CompletableFuture<HttpResponse<String>> inFlight = HTTP.sendAsync(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + inbound + "/held-h1")).build(),
        HttpResponse.BodyHandlers.ofString());
    eventually(() -> held.size() == 1);
    Thread closing = new Thread(reviews::close, "drain");
    closing.start();
    eventually(() -> !MeshView.accepts(inbound));
    assertThat(inFlight).isNotDone();
    var request = held.get(0);
    request.getKey().runOnContext(v -> request.getValue().response().end("late"));

    HttpResponse<String> response = inFlight.get(30, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("late");
    assertThat(response.headers().firstValue("connection")).hasValue("close");
    closing.join(TimeUnit.SECONDS.toMillis(60));
    assertThat(closing.isAlive()).isFalse();
  }

  @Test
  void aCallerThatNeverAcksMakesTheDrainWaitTheWholePeriodAndIsNamed() throws Exception {
    TestBackend app = backend("reviews-1");
    SidecarServer reviews = SidecarServer.start(options("reviews", app.port())
        .withDrainPeriod(Duration.ofSeconds(1)));
    open.add(reviews);
    reviewsWithDirectEndpoint(app.port());
    MeshView.awaitMeshEndpoints(front, "shop/reviews", List.of(MeshView.inbound(reviews)));
    String endpoint = MeshView.inbound(reviews);
    // A caller that applies snapshots until it is given reviews' endpoint, and never finishes
    // applying one after that: it never ACKs a snapshot without the endpoint.
    AtomicBoolean given = new AtomicBoolean();
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    open.add(() -> await(vertx.close()));
    dev.crossgate.policy.distribution.DistributionClient stuck =
        dev.crossgate.policy.distribution.DistributionClient.start(vertx,
            dev.crossgate.policy.distribution.DistributionClientSettings.defaults(List.of(
                io.vertx.core.net.SocketAddress.inetSocketAddress(engine.distributionPort(),
                    "127.0.0.1"))),
            new dev.crossgate.policy.distribution.NodeIdentity("stuck-caller",
                dev.crossgate.policy.distribution.v1.NodeRole.NODE_ROLE_SIDECAR, "", "front",
                "shop", "test"),
            () -> dev.crossgate.policy.distribution.AppliedSnapshot.NONE,
            snapshot -> {
              if (given.get()) {
                return io.vertx.core.Promise.<Void>promise().future(); // never completes
              }
              given.set(snapshot.getMeshEndpointsList().stream()
                  .flatMap(service -> service.getEndpointsList().stream())
                  .anyMatch(e -> (e.getAddress() + ":" + e.getPort()).equals(endpoint)));
              return Future.succeededFuture();
            },
            new dev.crossgate.policy.distribution.DistributionClient.ConnectionListener() { });
    open.add(() -> await(stuck.close()));
    eventually(given::get);

    reviews.close();

    ConfirmedDrain.Result drain = reviews.lastDrain();
    assertThat(drain.outcome()).isEqualTo(ConfirmedDrain.Outcome.TIMEOUT);
    // The stuck caller, and the other caller only if its ACK was slower than the period.
    assertThat(drain.unconfirmed()).contains("stuck-caller")
        .allMatch(node -> node.equals("stuck-caller") || node.startsWith("sidecar-front-"));
    assertThat(drain.nanos()).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(1));
    assertThat(reviews.metrics())
        .contains("crossgate_sidecar_drain_total{outcome=\"timeout\"} 1.0");
    // The caller that did ACK dropped the endpoint.
    assertThat(MeshView.meshEndpoints(front, "shop/reviews")).isEmpty();
  }

  @Test
  void theMeshWeightSplitsTrafficBetweenTheDirectAndTheMeshPath() throws Exception {
    TestBackend direct = backend("direct");
    TestBackend meshed = backend("meshed");
    SidecarServer reviews = sidecar("reviews", meshed);
    reviewsWithDirectEndpoint(direct.port());
    MeshView.awaitMeshEndpoints(front, "shop/reviews", List.of(MeshView.inbound(reviews)));

    Map<String, int[]> shares = new TreeMap<>();
    for (String step : List.of("permissive/0", "permissive/50", "enforce/100", "strict/-",
        "off/-")) {
      String stage = step.substring(0, step.indexOf('/'));
      String weight = step.substring(step.indexOf('/') + 1);
      long revision = apply("""
          apiVersion: crossgate.dev/v1alpha1
          kind: Service
          metadata: {name: reviews, namespace: shop}
          spec:
            endpoints: [{address: 127.0.0.1, port: %d}]
            loadBalancer: {type: RoundRobin}
          ---
          apiVersion: crossgate.dev/v1alpha1
          kind: MeshMigration
          metadata: {name: reviews, namespace: shop}
          spec:
            service: {name: reviews}
            stage: "%s"
          %s""".formatted(direct.port(), stage, weight.equals("-") ? "" : "  meshWeight: " + weight + "\n"));
      awaitRevision(front, revision);
      direct.reset();
      meshed.reset();
      int requests = step.equals("permissive/50") ? 400 : 100;
      for (int i = 0; i < requests; i++) {
        assertThat(call("/split").statusCode()).isEqualTo(200);
      }
      shares.put(step, new int[] {direct.requests().size(), meshed.requests().size()});
    }

    assertThat(shares.get("permissive/0")).containsExactly(100, 0);
    assertThat(shares.get("permissive/50")[1]).isBetween(140, 260); // 50% ± 15% of 400
    assertThat(shares.get("permissive/50")[0] + shares.get("permissive/50")[1]).isEqualTo(400);
    assertThat(shares.get("enforce/100")).containsExactly(0, 100);
    assertThat(shares.get("strict/-")).containsExactly(0, 100);
    assertThat(shares.get("off/-")).containsExactly(100, 0);
    // The direct path is plaintext to the app: no peer identity; the mesh path carries one.
    String metrics = admin(front, "/metrics");
    assertThat(metrics).containsPattern(
        "crossgate_sidecar_outbound_requests_total\\{path=\"direct\",service=\"shop/reviews\"} [0-9]");
    assertThat(metrics).containsPattern(
        "crossgate_sidecar_outbound_requests_total\\{path=\"mesh\",service=\"shop/reviews\"} [0-9]");
  }

  // ---------------------------------------------------------------------------------------------

  private TestBackend backend(String name) {
    TestBackend backend = TestBackend.start(name);
    open.add(backend);
    return backend;
  }

  private SidecarServer sidecar(String service, TestBackend app) throws Exception {
    SidecarServer sidecar = SidecarServer.start(options(service, app.port()));
    open.add(sidecar);
    return sidecar;
  }

  private SidecarOptions options(String service, int appPort) throws Exception {
    String token = await(engine.meshAuthority().joinTokens()
        .create(new WorkloadIdentity("shop", service), Duration.ofHours(1))).token();
    return SidecarOptions.of(service, "shop", appPort, "127.0.0.1:" + engine.distributionPort(),
        token).withPorts(0, 0, 0).withInboundAddress("127.0.0.1")
        .withDrainPeriod(Duration.ofMillis(500));
  }

  private void reviewsWithDirectEndpoint(int port) throws Exception {
    apply("""
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: reviews, namespace: shop}
        spec:
          endpoints: [{address: 127.0.0.1, port: %d}]
          loadBalancer: {type: RoundRobin}
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: front, namespace: shop}
        spec:
          endpoints: [{address: 127.0.0.1, port: %d}]
        """.formatted(port, frontApp.port()));
  }

  private HttpResponse<String> call(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + front.outboundPort() + path))
        .header("host", "reviews").build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Calls reviews through the caller's sidecar, one request after another, until stopped. */
  private CompletableFuture<List<Integer>> traffic(AtomicBoolean stop) {
    return CompletableFuture.supplyAsync(() -> {
      List<Integer> statuses = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!stop.get() && System.nanoTime() < deadline) {
        try {
          statuses.add(call("/continuous").statusCode());
        } catch (Exception e) {
          statuses.add(-1);
        }
      }
      return statuses;
    });
  }

  private long apply(String yaml) throws Exception {
    List<Resource> resources = PolicyLoader.loadString("test.yaml", yaml).bundleOrThrow()
        .resources();
    return await(engine.store().apply(ChangeSet.puts(resources), OptionalLong.empty(), "test",
        "test")).revision().number();
  }

  private static void awaitRevision(SidecarServer sidecar, long revision) throws Exception {
    eventually(() -> {
      try {
        return new io.vertx.core.json.JsonObject(admin(sidecar, "/config_dump"))
            .getJsonObject("snapshot").getLong("revision") >= revision;
      } catch (Exception e) {
        return false;
      }
    });
  }

  private static String admin(SidecarServer sidecar, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + sidecar.adminPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private static void eventually(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 30 s");
      }
      Thread.sleep(10);
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
