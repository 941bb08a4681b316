package dev.crossgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.gateway.GatewayOptions;
import dev.crossgate.gateway.GatewayServer;
import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import dev.crossgate.policy.server.api.NodeStatus;
import dev.crossgate.policy.server.ca.MeshCaOptions;
import dev.crossgate.policy.server.ca.WorkloadIdentity;
import dev.crossgate.policy.server.distribution.DistributionService;
import dev.crossgate.routing.mesh.MeshUpstreams;
import dev.crossgate.sidecar.SidecarOptions;
import dev.crossgate.sidecar.SidecarServer;
import dev.crossgate.testkit.TestBackend;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mesh of the end-to-end suites, on loopback: the policy engine (mesh CA and control plane),
 * a gateway with its own mesh identity ({@code edge/gateway}), the apps {@code productpage} and
 * {@code reviews} of namespace {@code shop} (each a {@link PeerEcho}) with a sidecar each, and
 * more {@code reviews} sidecars on demand, in-process or as a {@code ./crossgate sidecar}
 * process. The CLI runs as {@code ./crossgate ...} against the engine's API.
 *
 * <p>Engine, gateway and the first sidecars run in-process: a JVM each would triple the start-up
 * time on a 2-core CI machine. The Service {@code reviews}' static endpoint, the callers'
 * "direct" path, is its first sidecar's inbound port, as transparent capture makes it in a pod:
 * direct traffic is plaintext through that sidecar, mesh traffic is mTLS to any registered one.
 */
final class MeshFixture implements AutoCloseable {

  static final String GATEWAY_ID = "spiffe://crossgate.local/ns/edge/sa/gateway";
  static final String PRODUCTPAGE_ID = "spiffe://crossgate.local/ns/shop/sa/productpage";
  static final String REVIEWS_ID = "spiffe://crossgate.local/ns/shop/sa/reviews";
  private static final String CLI_JAVA_OPTS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC "
      + "-Xshare:auto";
  private static final Pattern SIDECAR_PORTS = Pattern.compile(
      "sidecar for shop/reviews: inbound (\\d+), outbound (\\d+), admin http://127.0.0.1:(\\d+)");

  final Path dir;
  private final Duration certificateTtl;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final List<AutoCloseable> extras = new ArrayList<>();
  private int apiPort;
  private int distributionPort;
  PolicyServer engine;
  String adminToken;
  TestBackend productpageApp;
  TestBackend reviewsApp;
  SidecarServer productpage;
  SidecarServer reviews;
  GatewayServer gateway;

  private MeshFixture(Path dir, Duration certificateTtl) {
    this.dir = dir;
    this.certificateTtl = certificateTtl;
  }

  /**
   * Starts everything, applies the base policy plus {@code extraYaml} (e.g. a MeshMigration),
   * and returns once every data plane runs it and the gateway serves {@code /reviews}.
   */
  static MeshFixture start(Path dir, Duration certificateTtl, String extraYaml)
      throws Exception {
    MeshFixture mesh = new MeshFixture(dir, certificateTtl);
    try {
      mesh.startAll(extraYaml);
    } catch (Exception | AssertionError e) {
      mesh.close();
      throw e;
    }
    return mesh;
  }

  private void startAll(String extraYaml) throws Exception {
    startEngine(0, 0);
    adminToken = Files.readString(dir.resolve("engine/tokens/admin.token")).strip();
    productpageApp = TestBackend.start("productpage").behave(PeerEcho.answeringAs("productpage"));
    reviewsApp = TestBackend.start("reviews-1").behave(PeerEcho.answeringAs("reviews-1"));
    productpage = SidecarServer.start(sidecarOptions("productpage", productpageApp.port(),
        joinToken("shop", "productpage")));
    reviews = SidecarServer.start(sidecarOptions("reviews", reviewsApp.port(),
        joinToken("shop", "reviews")));
    apply("""
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: edge, namespace: shop}
        spec:
          listeners: [{name: http, port: 8080, protocol: HTTP}]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: productpage, namespace: shop}
        spec:
          endpoints: [{address: 127.0.0.1, port: %d}]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: reviews, namespace: shop}
        spec:
          endpoints: [{address: 127.0.0.1, port: %d}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: reviews, namespace: shop}
        spec:
          parentRefs: [{name: edge}]
          rules:
            - matches: [{path: {type: PathPrefix, value: /reviews}}]
              backendRefs: [{name: reviews}]
        ---
        """.formatted(productpage.inboundPort(), reviews.inboundPort()) + extraYaml);
    gateway = GatewayServer.start(GatewayOptions.controlPlane("127.0.0.1:" + distributionPort,
            dir.resolve("gateway")).withPorts(Map.of("http", 0), 0),
        joinToken("edge", "gateway"));
    eventually(Duration.ofSeconds(60), () -> ready(productpage.adminPort())
        && ready(reviews.adminPort())
        && gateway.meshCertificates().orElseThrow().current().isPresent(),
        "sidecars ready and the gateway's certificate");
    awaitConverged(Duration.ofSeconds(60));
    eventually(Duration.ofSeconds(60), () -> gatewayGet("/reviews").statusCode() == 200,
        "the gateway to serve /reviews");
  }

  // ---- the engine

  private void startEngine(int api, int distribution) {
    engine = PolicyServer.start(PolicyServerOptions.defaults(dir.resolve("engine"))
            .withApi("127.0.0.1", api).withDistributionPort(distribution),
        DistributionService.Settings.defaults(),
        MeshCaOptions.defaults().withCertificateTtl(certificateTtl));
    apiPort = engine.apiPort();
    distributionPort = engine.distributionPort();
  }

  /** Stops the engine (the whole control plane: there is one) and waits until it is gone. */
  void stopEngine() {
    engine.close();
    engine = null;
  }

  /** Starts the engine again on the same data directory and ports. */
  void restartEngine() {
    startEngine(apiPort, distributionPort);
  }

  String controlPlane() {
    return "127.0.0.1:" + distributionPort;
  }

  String joinToken(String namespace, String serviceAccount) throws Exception {
    return await(engine.meshAuthority().joinTokens()
        .create(new WorkloadIdentity(namespace, serviceAccount), Duration.ofHours(1))).token();
  }

  /** Applies YAML through the policy API and waits until every connected data plane runs it. */
  long apply(String yaml) throws Exception {
    HttpResponse<String> response = http.send(api("/api/v1/apply?message=e2e")
        .header("content-type", "application/yaml")
        .POST(HttpRequest.BodyPublishers.ofString(yaml)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    long revision = new JsonObject(response.body()).getJsonObject("revision").getLong("number");
    await(engine.nodes().await(revision, Duration.ofSeconds(30)));
    return revision;
  }

  /** Deletes a resource through the policy API and waits until every data plane runs that. */
  long delete(String kind, String namespace, String name) throws Exception {
    HttpResponse<String> response = http.send(api("/api/v1/resources/" + kind + "/"
        + namespace + "/" + name + "?message=e2e").DELETE().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    long revision = new JsonObject(response.body()).getJsonObject("revision").getLong("number");
    await(engine.nodes().await(revision, Duration.ofSeconds(30)));
    return revision;
  }

  HttpRequest.Builder api(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
        .timeout(Duration.ofSeconds(30)).header("authorization", "Bearer " + adminToken);
  }

  /** The engine's latest revision. */
  long latestRevision() throws Exception {
    return await(engine.store().current()).revision();
  }

  /** Waits until nodes are connected and every one runs the latest revision. */
  void awaitConverged(Duration within) throws Exception {
    eventually(within, () -> {
      long latest;
      try {
        latest = latestRevision();
      } catch (Exception e) {
        return false;
      }
      List<NodeStatus> nodes = engine.nodes().nodes();
      return !nodes.isEmpty() && nodes.stream().allMatch(n -> n.appliedRevision() == latest);
    }, "every node on the latest revision: " + (engine == null ? "no engine"
        : engine.nodes().nodes()));
  }

  // ---- sidecars

  SidecarOptions sidecarOptions(String service, int appPort, String token) {
    return SidecarOptions.of(service, "shop", appPort, controlPlane(), token)
        .withPorts(0, 0, 0).withInboundAddress("127.0.0.1").withAdvertiseAddress("127.0.0.1")
        .withStateDir(dir.resolve("sidecar-" + service + "-" + System.nanoTime()));
  }

  /** A further {@code reviews} sidecar as {@code ./crossgate sidecar}, in front of {@code app}. */
  SidecarProcess startReviewsSidecarProcess(TestBackend app) throws Exception {
    CrossgateProcess process = CrossgateProcess.start(Map.of(), "sidecar",
        "--service", "reviews", "--namespace", "shop", "--app-port", String.valueOf(app.port()),
        "--control-plane", controlPlane(), "--join-token", joinToken("shop", "reviews"),
        "--inbound-port", "0", "--outbound-port", "0", "--admin-port", "0",
        "--advertise-address", "127.0.0.1",
        "--state-dir", dir.resolve("sidecar-process-" + System.nanoTime()).toString());
    extras.add(process);
    Matcher ports = process.awaitLine(SIDECAR_PORTS);
    SidecarProcess sidecar = new SidecarProcess(process, Integer.parseInt(ports.group(1)),
        Integer.parseInt(ports.group(3)));
    eventually(Duration.ofSeconds(60), () -> ready(sidecar.adminPort()),
        "the reviews sidecar process to be ready: " + process.stderr());
    return sidecar;
  }

  /** A {@code ./crossgate sidecar} process and its ports. */
  record SidecarProcess(CrossgateProcess process, int inboundPort, int adminPort) {
    String endpoint() {
      return "127.0.0.1:" + inboundPort;
    }
  }

  void keep(AutoCloseable closeable) {
    extras.add(closeable);
  }

  boolean ready(int adminPort) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort
          + "/ready")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (Exception e) {
      return false;
    }
  }

  JsonObject configDump(int adminPort) throws Exception {
    return new JsonObject(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + adminPort + "/config_dump")).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }

  /** The mesh endpoints of shop/reviews a sidecar's {@code /config_dump} shows, sorted. */
  List<String> sidecarView(SidecarServer sidecar) {
    JsonObject snapshot;
    try {
      snapshot = configDump(sidecar.adminPort()).getJsonObject("snapshot");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    if (snapshot != null) {
      for (Object entry : snapshot.getJsonArray("services", new JsonArray())) {
        JsonObject service = (JsonObject) entry;
        if ("shop/reviews".equals(service.getString("name"))) {
          return service.getJsonArray("meshEndpoints", new JsonArray()).stream()
              .map(String::valueOf).sorted().toList();
        }
      }
    }
    return List.of();
  }

  /** The mesh endpoints of shop/reviews in the gateway's mesh path, sorted. */
  List<String> gatewayView() {
    MeshUpstreams.MeshService service = gateway.meshUpstreams().orElseThrow().services()
        .get("shop/reviews");
    return service == null ? List.of() : service.endpoints().stream()
        .map(e -> e.address() + ":" + e.port()).sorted().toList();
  }

  // ---- callers

  HttpResponse<String> gatewayGet(String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + gateway.port("http") + path)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** productpage calling reviews through its sidecar's outbound port. */
  HttpResponse<String> productpageGet(String path) throws Exception {
    return http.send(productpageRequest(path).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A plaintext client straight to {@code reviews}' (first) sidecar inbound port. */
  HttpResponse<String> plaintextToReviews(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + reviews.inboundPort() + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpRequest.Builder gatewayRequest(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port("http")
        + path));
  }

  HttpRequest.Builder productpageRequest(String path) {
    return outboundRequest(productpage, "reviews", path);
  }

  /** A request from {@code from}'s app to {@code service}, through its sidecar's outbound port. */
  HttpRequest.Builder outboundRequest(SidecarServer from, String service, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + from.outboundPort() + path))
        .header("host", service);
  }

  /** Continuous load: gateway → reviews and productpage's sidecar → reviews. */
  List<SteadyLoad> startLoad(int perSecondEach) {
    List<SteadyLoad> load = List.of(
        SteadyLoad.start("gateway", perSecondEach, () -> gatewayRequest("/reviews/load")),
        SteadyLoad.start("productpage", perSecondEach,
            () -> productpageRequest("/reviews/load")));
    load.forEach(extras::add);
    return load;
  }

  HttpResponse<String> http(HttpRequest.Builder request) throws Exception {
    return http.send(request.timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  String adminGet(int adminPort, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  static String endpoint(int port) {
    return "127.0.0.1:" + port;
  }

  /** Whether something accepts TCP connections at {@code host:port}. */
  static boolean accepts(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress(hostPort.substring(0, colon),
          Integer.parseInt(hostPort.substring(colon + 1))), 2_000);
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  // ---- the CLI

  /** What a finished {@code ./crossgate} command printed and returned. */
  record Cli(int exit, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exit + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
    }
  }

  /** Runs {@code ./crossgate args...} against this engine's API, as a user would. */
  Cli cli(String... args) throws Exception {
    try (CrossgateProcess process = CrossgateProcess.start(Map.of(
        "CROSSGATE_SERVER", "http://127.0.0.1:" + apiPort, "CROSSGATE_TOKEN", adminToken,
        "JAVA_OPTS", CLI_JAVA_OPTS), args)) {
      int exit = process.awaitExit();
      return new Cli(exit, process.stdout(), process.stderr());
    }
  }

  /**
   * Runs the same command in this JVM ({@code CrossgateCommand}, what {@code ./crossgate} starts),
   * against this engine's API: for sequences of many steps, where a JVM start per step would
   * dominate the run on a small CI machine.
   */
  Cli cliInProcess(String... args) {
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    picocli.CommandLine command = dev.crossgate.cli.CrossgateCommand.commandLine();
    command.setOut(new java.io.PrintWriter(out, true));
    command.setErr(new java.io.PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--server", "http://127.0.0.1:" + apiPort, "--token", adminToken));
    int exit = command.execute(all.toArray(String[]::new));
    return new Cli(exit, out.toString().strip(), err.toString().strip());
  }

  // ---- helpers

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  static void eventually(Duration within, BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("timed out waiting for " + what, e);
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + within + " waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  @Override
  public void close() {
    List<AutoCloseable> all = new ArrayList<>(extras);
    all.add(gateway);
    all.add(productpage);
    all.add(reviews);
    all.add(productpageApp);
    all.add(reviewsApp);
    all.add(engine);
    for (AutoCloseable closeable : all) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        // keep closing the rest
      }
    }
  }
}
