package dev.crossgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import dev.crossgate.policy.server.ca.WorkloadIdentity;
import dev.crossgate.policy.server.store.ChangeSet;
import dev.crossgate.sidecar.SidecarOptions;
import dev.crossgate.sidecar.SidecarServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs {@code migrate status} through {@code new CommandLine(new MigrateStatusCommand())} against
 * a real engine, with a real sidecar in front of a real app reporting its traffic: the evidence
 * by caller, the verdict, every output format, and each error case.
 */
class MigrateStatusCommandTest {

  @TempDir
  static Path data;

  static PolicyServer engine;
  static HttpServer app;
  static SidecarServer sidecar;
  static String url;
  static String token;
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .build();

  @BeforeAll
  static void start() throws Exception {
    engine = PolicyServer.start(PolicyServerOptions.defaults(data).withApi("127.0.0.1", 0)
        .withDistributionPort(0));
    url = "http://127.0.0.1:" + engine.apiPort();
    token = Files.readString(data.resolve("tokens").resolve("admin.token")).strip();
    app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    app.createContext("/", exchange -> {
      int status = exchange.getRequestURI().getPath().equals("/fail") ? 500 : 200;
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    app.start();
    String joinToken = engine.meshAuthority().joinTokens()
        .create(new WorkloadIdentity("shop", "reviews"), Duration.ofHours(1))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).token();
    sidecar = SidecarServer.start(SidecarOptions.of("reviews", "shop", app.getAddress().getPort(),
            "127.0.0.1:" + engine.distributionPort(), joinToken)
        .withPorts(0, 0, 0).withInboundAddress("127.0.0.1"));
    var bundle = PolicyLoader.loadString("test.yaml", """
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: reviews, namespace: shop}
        spec:
          endpoints: [{address: 127.0.0.1, port: %d}]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: MeshMigration
        metadata: {name: reviews, namespace: shop}
        spec:
          service: {name: reviews}
          stage: observe
        """.formatted(sidecar.inboundPort())).bundleOrThrow();
    engine.store().apply(ChangeSet.puts(bundle.resources()), OptionalLong.empty(), "test", "test")
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!admin("/config_dump").contains("\"stage\" : \"observe\"")) {
      assertThat(System.nanoTime()).as("sidecar at stage observe in 30 s").isLessThan(deadline);
      Thread.sleep(20);
    }
    for (String path : List.of("/ok", "/ok", "/ok", "/fail")) {
      http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.inboundPort()
          + path)).build(), HttpResponse.BodyHandlers.discarding());
    }
  }

  @AfterAll
  static void stop() {
    if (sidecar != null) {
      sidecar.close();
    }
    if (app != null) {
      app.stop(0);
    }
    if (engine != null) {
      engine.close();
    }
  }

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    // Configured as CrossgateCommand.commandLine() configures the whole tree.
    CommandLine commandLine = new CommandLine(new MigrateStatusCommand())
        .registerConverter(Duration.class, new DurationConverter())
        .setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int code = commandLine.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  static Run api(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--server", url, "--token", token));
    return run(all.toArray(String[]::new));
  }

  static String admin(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.adminPort()
        + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** Polls {@code migrate status reviews -n shop -o json} until the heartbeat brought all 4. */
  static JsonNode awaitEvidence() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      Run run = api("reviews", "-n", "shop", "-o", "json");
      assertThat(run.code()).as(run.err()).isZero();
      JsonNode status = new ObjectMapper().readTree(run.out());
      if (status.path("after").path("requests").asLong() >= 4) {
        return status;
      }
      assertThat(System.nanoTime()).as("evidence in 30 s: " + run.out()).isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  @Test
  void showsTheEvidenceByCallerAndWhyAdvancingIsNotSafe() throws Exception {
    JsonNode status = awaitEvidence();
    assertThat(status.path("after").path("requests").asLong()).isEqualTo(4);
    assertThat(status.path("after").path("plaintext").asLong()).isEqualTo(4);
    assertThat(status.path("after").path("errors").asLong()).isEqualTo(1);

    Run table = api("reviews", "-n", "shop");
    assertThat(table.code()).as(table.err()).isZero();
    assertThat(table.out())
        .contains("shop/reviews  stage observe  weight 0  (MeshMigration shop/reviews)")
        .contains("none → observe/0")
        .containsPattern("plaintext/loopback\\s+plaintext\\s+4\\s+1\\s+0\\s+0")
        .containsPattern("error rate\\s+-\\s+25\\.0%")
        .contains("advancing to permissive does not look safe:")
        .contains("  - error rate is 25.0% since the last change (revision ")
        .contains("  note: 1 caller still uses plaintext: plaintext/loopback");
  }

  @Test
  void listsEveryMigrationAsATableYamlOrJson() throws Exception {
    awaitEvidence();
    Run table = api("-n", "shop");
    assertThat(table.code()).as(table.err()).isZero();
    assertThat(table.out()).startsWith("SERVICE")
        .containsPattern("shop/reviews\\s+observe\\s+0\\s+4\\s+0\\s+0\\s+- → 25\\.0%")
        .contains("permissive  no")
        .contains("shop/reviews:\n  - error rate is 25.0%");

    Run yaml = api("-o", "yaml");
    assertThat(yaml.code()).isZero();
    assertThat(yaml.out()).contains("stage: observe").contains("safeToAdvance: false");

    Run none = api("-n", "elsewhere");
    assertThat(none.code()).isZero();
    assertThat(none.out()).isEqualTo("no MeshMigrations in namespace elsewhere\n");
  }

  @Test
  void errorsHaveTheirExitCodesAndSayWhatIsWrong() throws Exception {
    Run unknown = api("nowhere", "-n", "shop");
    assertThat(unknown.code()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(unknown.err()).contains(
        "not found: MeshMigration for service shop/nowhere (known: shop/reviews): not found");

    Run badName = api("Bad_Name", "-n", "shop");
    assertThat(badName.code()).isEqualTo(ExitCodes.INVALID_CONFIG);
    assertThat(badName.err()).contains("service: Bad_Name (expected: a lower-case name");

    Run badToken = run("reviews", "-n", "shop", "--server", url, "--token", "wrong");
    assertThat(badToken.code()).isEqualTo(ExitCodes.UNAUTHORIZED);

    try (RefusedPort closed = new RefusedPort()) {
      Run unreachable = run("reviews", "--server", "http://127.0.0.1:" + closed.port(), "--token",
          "x");
      assertThat(unreachable.code()).isEqualTo(ExitCodes.UNREACHABLE);
      assertThat(unreachable.err()).contains("cannot reach the policy API");
    }

    Run usage = api("a", "b");
    assertThat(usage.code()).isEqualTo(ExitCodes.USAGE);
  }
}
