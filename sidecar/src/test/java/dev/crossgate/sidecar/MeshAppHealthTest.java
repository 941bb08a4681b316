package dev.crossgate.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import dev.crossgate.policy.server.ca.WorkloadIdentity;
import dev.crossgate.policy.server.distribution.DistributionService;
import dev.crossgate.policy.server.store.ChangeSet;
import dev.crossgate.testkit.BackendBehaviors;
import dev.crossgate.testkit.TcpEchoBackend;
import dev.crossgate.testkit.TestBackend;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each sidecar runs its Service's active health check against its own app, end to end on
 * loopback: the real engine, real sidecars and real apps. A sidecar whose app fails
 * {@code unhealthyThreshold} probes leaves its service's mesh endpoint set (the caller's
 * snapshot drops it) and comes back after {@code healthyThreshold} passing ones; every instance
 * unhealthy keeps them all with {@code failOpen: true} and empties the set with
 * {@code failOpen: false}.
 */
class MeshAppHealthTest {

  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  /** Generous against a loaded machine: one slow probe must not flip a verdict. */
  static final String CHECK = "healthCheck: {path: /healthz, interval: 1s, timeout: 800ms, "
      + "healthyThreshold: 2, unhealthyThreshold: 3%s}";

  Path data;
  PolicyServer engine;
  final List<AutoCloseable> open = new ArrayList<>();
  TestBackend frontApp;
  SidecarServer front;

  @BeforeEach
  void start() throws Exception {
    data = Files.createTempDirectory("crossgate-app-health");
    engine = PolicyServer.start(PolicyServerOptions.defaults(data).withApi("127.0.0.1", 0)
        .withDistributionPort(0), new DistributionService.Settings(Duration.ofMillis(500),
            Duration.ofSeconds(15)));
    frontApp = backend("front-app");
    front = sidecar("front", frontApp.port());
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
  void anUnhealthyAppLeavesTheCallersSetAndComesBackAfterHealthyThresholdPasses()
      throws Exception {
    TestBackend one = backend("reviews-1");
    TestBackend two = backend("reviews-2");
    SidecarServer first = sidecar("reviews", one.port());
    SidecarServer second = sidecar("reviews", two.port());
    reviews(CHECK.formatted(""), "");
    MeshView.awaitMeshEndpoints(front, "shop/reviews",
        List.of(MeshView.inbound(first), MeshView.inbound(second)));
    // Healthy, and probed once at least (the state is healthy before the first probe too).
    eventually(() -> appHealth(second).getString("state").equals("healthy")
        && probedSuccessfully(second), "second healthy and probed");

    // reviews-2 breaks: every request, its health path too, gets a 503.
    AtomicInteger failedProbes = new AtomicInteger();
    AtomicInteger served = new AtomicInteger();
    two.behave(counting(failedProbes, served, BackendBehaviors.status(503)));
    MeshView.awaitMeshEndpoints(front, "shop/reviews", List.of(MeshView.inbound(first)));
    assertThat(failedProbes.get()).isGreaterThanOrEqualTo(3); // unhealthyThreshold

    // Each failed probe names its cause (on a loaded machine one may be a timeout).
    eventually(() -> "status 503".equals(appHealth(second).getString("lastFailure")),
        "the last failure is the 503");
    JsonObject health = appHealth(second);
    assertThat(health.getString("state")).isEqualTo("unhealthy");
    assertThat(health.getString("probe")).isEqualTo("GET /healthz");
    assertThat(health.getInteger("unhealthyThreshold")).isEqualTo(3);
    String metrics = admin(second, "/metrics");
    assertThat(metrics).contains("crossgate_sidecar_app_health{state=\"unhealthy\"} 1.0");
    assertThat(metrics).contains("crossgate_sidecar_app_health{state=\"healthy\"} 0.0");
    assertThat(metrics).containsPattern(
        "crossgate_sidecar_app_health_probes_total\\{result=\"status\"} ([3-9]|[1-9][0-9]+)\\.0");
    assertThat(metrics).containsPattern(
        "crossgate_sidecar_app_health_probes_total\\{result=\"success\"} [1-9]");
    // The engine's status API names the unhealthy app and why.
    eventually(() -> statusAppHealth().stream().sorted().toList()
        .equals(List.of("healthy", "healthy", "unhealthy: status 503")), // front, 1, 2
        "the status API shows reviews-2's app unhealthy");
    // The first sidecar's own check passes: its app is healthy.
    assertThat(appHealth(first).getString("state")).isEqualTo("healthy");

    // After the set changed, every request goes to reviews-1, and none fails.
    int before = served.get();
    for (int i = 0; i < 40; i++) {
      HttpResponse<String> response = call("/after-" + i);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("\"backend\":\"reviews-1\"");
    }
    assertThat(served.get()).isEqualTo(before);

    // reviews-2 recovers: back in the set after healthyThreshold passing probes.
    AtomicInteger passedProbes = new AtomicInteger();
    two.behave(counting(passedProbes, new AtomicInteger(), BackendBehaviors.echo("reviews-2")));
    MeshView.awaitMeshEndpoints(front, "shop/reviews",
        List.of(MeshView.inbound(first), MeshView.inbound(second)));
    assertThat(passedProbes.get()).isGreaterThanOrEqualTo(2); // healthyThreshold
    assertThat(appHealth(second).getString("state")).isEqualTo("healthy");
    assertThat(appHealth(second).getString("lastFailure")).isNotNull();
  }

  @Test
  void everyInstanceUnhealthyKeepsThemAllWhenFailOpenAndEmptiesTheSetWhenNot() throws Exception {
    TestBackend one = backend("reviews-1");
    TestBackend two = backend("reviews-2");
    one.behave(brokenHealthPath("reviews-1"));
    two.behave(brokenHealthPath("reviews-2"));
    SidecarServer first = sidecar("reviews", one.port());
    SidecarServer second = sidecar("reviews", two.port());
    reviews(CHECK.formatted(""), "");
    eventually(() -> appHealth(first).getString("state").equals("unhealthy")
        && appHealth(second).getString("state").equals("unhealthy"), "both unhealthy");
    eventually(() -> statusAppHealth().stream()
        .filter(h -> h != null && h.startsWith("unhealthy")).count() == 2,
        "the engine hears both");
    // failOpen (the default): a broken health path does not take the whole service down.
    MeshView.awaitMeshEndpoints(front, "shop/reviews",
        List.of(MeshView.inbound(first), MeshView.inbound(second)));
    for (int i = 0; i < 10; i++) {
      assertThat(call("/open-" + i).statusCode()).isEqualTo(200);
    }

    // failOpen: false, behind a strict migration (the mesh path only): the set goes empty and
    // callers get the clear "no endpoint" error, not a request to an unhealthy app.
    reviews(CHECK.formatted(", failOpen: false"), """
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: MeshMigration
        metadata: {name: reviews, namespace: shop}
        spec:
          service: {name: reviews}
          stage: strict
        """);
    MeshView.awaitMeshEndpoints(front, "shop/reviews", List.of());
    int before = requestsBesidesProbes(one, two);
    HttpResponse<String> refused = call("/closed");
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.headers().firstValue("x-crossgate-error")).hasValue("upstream_unavailable");
    assertThat(refused.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(requestsBesidesProbes(one, two)).isEqualTo(before);
  }

  @Test
  void aPolicyWithoutHealthCheckPutsAHeldOutEndpointBack() throws Exception {
    TestBackend one = backend("reviews-1");
    TestBackend two = backend("reviews-2");
    SidecarServer first = sidecar("reviews", one.port());
    SidecarServer second = sidecar("reviews", two.port());
    two.behave(brokenHealthPath("reviews-2"));
    reviews(CHECK.formatted(""), "");
    MeshView.awaitMeshEndpoints(front, "shop/reviews", List.of(MeshView.inbound(first)));

    reviews("", ""); // the health check removed: reviews-2's sidecar stops probing
    MeshView.awaitMeshEndpoints(front, "shop/reviews",
        List.of(MeshView.inbound(first), MeshView.inbound(second)));
    JsonObject health = appHealth(second);
    assertThat(health.getString("state")).isEqualTo("unchecked");
    assertThat(health.containsKey("probe")).isFalse();
    assertThat(second.appHealthProbing()).isFalse();
    assertThat(statusAppHealth()).doesNotContain("unhealthy: status 503");
  }

  @Test
  void aTcpServiceIsProbedByConnectAndLeavesTheSetWhenItsAppStopsListening() throws Exception {
    TcpEchoBackend one = closing(TcpEchoBackend.start());
    TcpEchoBackend two = closing(TcpEchoBackend.start());
    int meshPort;
    try (ServerSocket free = new ServerSocket(0, 1,
        java.net.InetAddress.getByName("127.0.0.1"))) {
      meshPort = free.getLocalPort();
    }
    SidecarServer first = sidecar("db", one.port());
    SidecarServer second = sidecar("db", two.port());
    apply("""
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: db, namespace: shop}
        spec:
          protocol: TCP
          meshPort: %d
          endpoints: [{address: 127.0.0.1, port: %d}]
          healthCheck: {interval: 1s, timeout: 800ms, unhealthyThreshold: 2}
        """.formatted(meshPort, one.port()));
    MeshView.awaitMeshEndpoints(front, "shop/db",
        List.of(MeshView.inbound(first), MeshView.inbound(second)));
    eventually(() -> two.accepted() >= 1 && appHealth(second).getString("state").equals("healthy"),
        "a probe connection to db-2's app");
    assertThat(appHealth(second).getString("probe")).isEqualTo("tcp connect");

    two.close(); // nothing listens on db-2's app port any more
    MeshView.awaitMeshEndpoints(front, "shop/db", List.of(MeshView.inbound(first)));
    eventually(() -> "connection refused".equals(appHealth(second).getString("lastFailure")),
        "the last failure is a refused connect");
    assertThat(appHealth(second).getString("state")).isEqualTo("unhealthy");
    assertThat(admin(second, "/metrics")).containsPattern(
        "crossgate_sidecar_app_health_probes_total\\{result=\"refused\"} [1-9]");
    eventually(() -> statusAppHealth().contains("unhealthy: connection refused"),
        "the status API shows db-2's app unhealthy");
  }

  // ---------------------------------------------------------------------------------------------

  /** Answers {@code /healthz} with a 503, echoes everything else. */
  private static Handler<HttpServerRequest> brokenHealthPath(String name) {
    Handler<HttpServerRequest> echo = BackendBehaviors.echo(name);
    Handler<HttpServerRequest> broken = BackendBehaviors.status(503);
    return request -> (request.path().equals("/healthz") ? broken : echo).handle(request);
  }

  /** {@code then}, counting probes of {@code /healthz} and other requests apart. */
  private static Handler<HttpServerRequest> counting(AtomicInteger probes, AtomicInteger others,
      Handler<HttpServerRequest> then) {
    return request -> {
      (request.path().equals("/healthz") ? probes : others).incrementAndGet();
      then.handle(request);
    };
  }

  private static int requestsBesidesProbes(TestBackend... apps) {
    int requests = 0;
    for (TestBackend app : apps) {
      requests += (int) List.copyOf(app.requests()).stream()
          .filter(r -> !r.uri().equals("/healthz")).count();
    }
    return requests;
  }

  private void reviews(String healthCheck, String more) throws Exception {
    apply("""
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: reviews, namespace: shop}
        spec:
          endpoints: [{address: 127.0.0.1, port: %d}]
          loadBalancer: {type: RoundRobin}
          %s
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: front, namespace: shop}
        spec:
          endpoints: [{address: 127.0.0.1, port: %d}]
        """.formatted(frontApp.port(), healthCheck, frontApp.port()) + more);
  }

  private void apply(String yaml) throws Exception {
    List<Resource> resources = PolicyLoader.loadString("test.yaml", yaml).bundleOrThrow()
        .resources();
    await(engine.store().apply(ChangeSet.puts(resources), OptionalLong.empty(), "test", "test"));
  }

  private TestBackend backend(String name) {
    return closing(TestBackend.start(name));
  }

  private <T extends AutoCloseable> T closing(T closeable) {
    open.add(closeable);
    return closeable;
  }

  private SidecarServer sidecar(String service, int appPort) throws Exception {
    String token = await(engine.meshAuthority().joinTokens()
        .create(new WorkloadIdentity("shop", service), Duration.ofHours(1))).token();
    return closing(SidecarServer.start(SidecarOptions.of(service, "shop", appPort,
            "127.0.0.1:" + engine.distributionPort(), token).withPorts(0, 0, 0)
        .withInboundAddress("127.0.0.1").withDrainPeriod(Duration.ZERO)));
  }

  private HttpResponse<String> call(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + front.outboundPort() + path))
        .header("host", "reviews").build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonObject appHealth(SidecarServer sidecar) {
    try {
      return new JsonObject(admin(sidecar, "/config_dump")).getJsonObject("appHealth");
    } catch (Exception e) {
      throw new AssertionError("no config_dump from the sidecar", e);
    }
  }

  private JsonObject status() throws Exception {
    String admin = Files.readString(data.resolve("tokens/admin.token")).strip();
    return new JsonObject(HTTP.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + engine.apiPort() + "/api/v1/status"))
        .header("Authorization", "Bearer " + admin).build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }

  /** Each node's {@code appHealth} in the engine's status API (null for none). */
  private List<String> statusAppHealth() {
    try {
      return status().getJsonArray("nodes").stream()
          .map(n -> ((JsonObject) n).getString("appHealth")).toList();
    } catch (Exception e) {
      throw new AssertionError("no status from the engine", e);
    }
  }

  private static boolean probedSuccessfully(SidecarServer sidecar) {
    try {
      return admin(sidecar, "/metrics").matches(
          "(?s).*crossgate_sidecar_app_health_probes_total\\{result=\"success\"} [1-9].*");
    } catch (Exception e) {
      return false;
    }
  }

  private static String admin(SidecarServer sidecar, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + sidecar.adminPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private static void eventually(BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 30 s: " + what);
      }
      Thread.sleep(20);
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
