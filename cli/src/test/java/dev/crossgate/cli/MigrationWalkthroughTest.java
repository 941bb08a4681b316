package dev.crossgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.distribution.AppliedSnapshot;
import dev.crossgate.policy.distribution.DistributionClient;
import dev.crossgate.policy.distribution.DistributionClientSettings;
import dev.crossgate.policy.distribution.NodeIdentity;
import dev.crossgate.policy.distribution.v1.NodeRole;
import dev.crossgate.policy.model.MeshMigration;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import dev.crossgate.policy.server.distribution.DistributionService;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import com.sun.net.httpserver.HttpServer;
import dev.crossgate.policy.server.store.ChangeSet;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the walkthrough in {@code config-examples/migration/README.md} through the real CLI against
 * a real policy engine on port 0, with a gateway and a sidecar connected over the real
 * distribution stream: every step from off to strict, a {@code --rollback} after each step back to
 * the previous state, and every error case with its exit code and message. Every command run here
 * appears verbatim in the README, and after each step the live {@code MeshMigration} equals the
 * walkthrough's YAML for that step.
 */
class MigrationWalkthroughTest {

  private static final Path WALKTHROUGH = Path.of("..", "config-examples", "migration");

  @TempDir
  Path data;

  private PolicyServer engine;
  private Vertx vertx;
  private final List<DistributionClient> nodes = new ArrayList<>();
  private final AtomicReference<String> sidecarRefuses = new AtomicReference<>();
  private final AtomicReference<Boolean> sidecarStalls = new AtomicReference<>(false);
  private String url;
  private String token;
  private String readme;

  /** What one command printed and returned. */
  record Run(int code, String out, String err) {}

  @BeforeEach
  void start() throws Exception {
    engine = PolicyServer.start(PolicyServerOptions.defaults(data).withApi("127.0.0.1", 0)
        .withDistributionPort(0), new DistributionService.Settings(Duration.ofMillis(200),
            Duration.ofSeconds(5)));
    url = "http://127.0.0.1:" + engine.apiPort();
    token = Files.readString(data.resolve("tokens").resolve("admin.token")).strip();
    readme = Files.readString(WALKTHROUGH.resolve("README.md"));
    vertx = Vertx.vertx();
    connect(NodeIdentity.gateway("edge-1", "", "test"));
    connect(new NodeIdentity("reviews-1", NodeRole.NODE_ROLE_SIDECAR, "", "reviews", "shop",
        "test"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (engine.nodes().nodes().size() < 2) {
      assertThat(System.nanoTime()).as("both nodes connect").isLessThan(deadline);
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  @AfterEach
  void stop() throws Exception {
    for (DistributionClient node : nodes) {
      node.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    engine.close();
  }

  /** A data plane on the real stream: ACKs, or NACKs / stalls when the test says so. */
  private void connect(NodeIdentity identity) {
    AtomicReference<AppliedSnapshot> running = new AtomicReference<>(AppliedSnapshot.NONE);
    boolean sidecar = identity.role() == NodeRole.NODE_ROLE_SIDECAR;
    nodes.add(DistributionClient.start(vertx, new DistributionClientSettings(
            List.of(SocketAddress.inetSocketAddress(engine.distributionPort(), "127.0.0.1")),
            Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofMillis(50),
            Duration.ofMillis(500)),
        identity, running::get, snapshot -> {
          if (sidecar && sidecarRefuses.get() != null) {
            return Future.failedFuture(sidecarRefuses.get());
          }
          if (sidecar && sidecarStalls.get()) {
            return Promise.<Void>promise().future();
          }
          running.set(new AppliedSnapshot(snapshot.getRevision(), snapshot.getHash()));
          return Future.succeededFuture();
        }, new DistributionClient.ConnectionListener() { }));
  }

  /**
   * Runs a walkthrough command as written in the README (which it must contain), against the
   * engine: paths are taken from the repository root, the server and token are added.
   */
  private Run walk(String command) {
    assertThat(readme).as("README.md shows the command").contains(command);
    return cli(command, "--server", url, "--token", token);
  }

  private Run cli(String command, String... extra) {
    List<String> args = new ArrayList<>(Arrays.asList(command.split(" ")));
    assertThat(args.remove(0)).isEqualTo("crossgate");
    args.replaceAll(arg -> arg.startsWith("config-examples/") ? "../" + arg : arg);
    args.addAll(List.of(extra));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var commandLine = CrossgateCommand.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int code = commandLine.execute(args.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  private static void ok(Run run) {
    assertThat(run.code()).as(run.out() + run.err()).isZero();
  }

  /** The live MeshMigration of shop/reviews, if any. */
  private Optional<MeshMigration> live() throws Exception {
    Optional<Resource> found = engine.store().get(MeshMigration.KIND, "shop", "reviews")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return found.map(MeshMigration.class::cast);
  }

  /** The MeshMigration of a walkthrough file. */
  private static MeshMigration file(String name) {
    return PolicyLoader.loadPaths(List.of(WALKTHROUGH.resolve(name))).bundleOrThrow()
        .ofKind(MeshMigration.class).get(0);
  }

  private void assertState(String file) throws Exception {
    assertThat(live()).as("live MeshMigration after the step of " + file).isPresent();
    assertThat(live().get().spec()).as(file).isEqualTo(file(file).spec());
  }

  private void assertNoMigration() throws Exception {
    assertThat(live()).as("no MeshMigration").isEmpty();
  }

  private static final String CONVERGED =
      "applied by 1/1 gateways, 1/1 sidecars in \\d+ ms";

  /** Takes a step, checks it landed everywhere, rolls it back, checks, and takes it again. */
  private void stepAndRollBack(String step, String change, String after, String before)
      throws Exception {
    Run run = walk(step);
    ok(run);
    assertThat(run.out()).containsPattern("revision \\d+: migrate shop/reviews: "
        + java.util.regex.Pattern.quote(change)).containsPattern(CONVERGED);
    assertState(after);

    Run back = walk("crossgate migrate reviews -n shop --rollback");
    ok(back);
    assertThat(back.out()).contains("migrate shop/reviews: rollback").containsPattern(CONVERGED);
    if (before == null) {
      assertNoMigration();
    } else {
      assertState(before);
    }

    ok(walk(step));
    assertState(after);
  }

  @Test
  void offToStrictWithARollbackAfterEveryStep() throws Exception {
    ok(walk("crossgate apply -f config-examples/migration/0-service.yaml"));
    assertNoMigration();

    Run dryRun = walk("crossgate migrate reviews -n shop --to observe --dry-run");
    ok(dryRun);
    assertThat(dryRun.out()).contains("dry run: migrate shop/reviews: off → observe")
        .contains("nothing applied").contains("+ MeshMigration shop/reviews (added)")
        .contains("+   stage: observe");
    assertNoMigration();

    stepAndRollBack("crossgate migrate reviews -n shop --to observe", "off → observe",
        "1-observe.yaml", null);
    stepAndRollBack("crossgate migrate reviews -n shop --to permissive",
        "observe → permissive", "2-permissive.yaml", "1-observe.yaml");
    stepAndRollBack("crossgate migrate reviews -n shop --weight 25", "meshWeight 0 → 25",
        "3-permissive-25.yaml", "2-permissive.yaml");
    stepAndRollBack("crossgate migrate reviews -n shop --weight 100", "meshWeight 25 → 100",
        "4-permissive-100.yaml", "3-permissive-25.yaml");
    stepAndRollBack("crossgate migrate reviews -n shop --to enforce", "permissive → enforce",
        "5-enforce.yaml", "4-permissive-100.yaml");
    stepAndRollBack("crossgate migrate reviews -n shop --to strict", "enforce → strict",
        "6-strict.yaml", "5-enforce.yaml");

    Run history = walk("crossgate history --limit 3");
    ok(history);
    assertThat(history.out()).contains("migrate shop/reviews: enforce → strict")
        .contains("migrate shop/reviews: rollback strict (meshWeight 100) → enforce "
            + "(meshWeight 100)");

    // Two rollbacks in a row: the second undoes the first.
    ok(walk("crossgate migrate reviews -n shop --rollback"));
    assertState("5-enforce.yaml");
    ok(cli("crossgate migrate reviews -n shop --rollback", "--server", url, "--token", token));
    assertState("6-strict.yaml");

    Run again = walk("crossgate migrate reviews -n shop --to strict");
    ok(again);
    assertThat(again.out()).contains("shop/reviews is already strict (meshWeight 100); "
        + "nothing to change");
  }

  @Test
  void theDeclarativeFilesGiveTheSameStates() throws Exception {
    ok(walk("crossgate apply -f config-examples/migration/3-permissive-25.yaml"));
    assertState("3-permissive-25.yaml");
    Run noChange = walk("crossgate migrate reviews -n shop --weight 25");
    ok(noChange);
    assertThat(noChange.out()).contains("already permissive (meshWeight 25)");
  }

  @Test
  void twoStagesAtOnceAreRefusedUnlessForced() throws Exception {
    ok(walk("crossgate apply -f config-examples/migration/1-observe.yaml"));

    Run refused = walk("crossgate migrate reviews -n shop --to enforce");
    assertThat(refused.code()).isEqualTo(ExitCodes.STEP_REFUSED);
    assertThat(refused.err()).contains("shop/reviews: observe → enforce moves 2 stages; one "
        + "stage at a time (next allowed: 'crossgate migrate reviews -n shop --to permissive' "
        + "or back 'crossgate migrate reviews -n shop --to off'), or add --force to jump");
    assertState("1-observe.yaml");

    Run forced = walk("crossgate migrate reviews -n shop --to enforce --force");
    ok(forced);
    assertThat(forced.out()).contains("migrate shop/reviews: observe → enforce (--force)");
    assertThat(live().get().stage()).contains(MeshMigration.Stage.enforce);
    assertThat(live().get().effectiveMeshWeight()).isZero();

    ok(walk("crossgate migrate reviews -n shop --rollback"));
    assertState("1-observe.yaml");
  }

  @Test
  void strictNeedsTheWholeWeightFirst() throws Exception {
    ok(walk("crossgate apply -f config-examples/migration/3-permissive-25.yaml"));
    ok(walk("crossgate migrate reviews -n shop --to enforce"));

    Run refused = walk("crossgate migrate reviews -n shop --to strict");
    assertThat(refused.code()).isEqualTo(ExitCodes.STEP_REFUSED);
    assertThat(refused.err()).contains("stage strict sends all traffic through the mesh "
        + "(meshWeight 100) but meshWeight is 25; raise it first with 'crossgate migrate reviews "
        + "-n shop --weight 100'");

    Run lower = walk("crossgate migrate reviews -n shop --weight 50");
    ok(lower);
    ok(walk("crossgate migrate reviews -n shop --weight 100"));
    ok(walk("crossgate migrate reviews -n shop --to strict"));
    Run below = walk("crossgate migrate reviews -n shop --weight 50");
    assertThat(below.code()).isEqualTo(ExitCodes.INVALID_CONFIG);
    assertThat(below.err()).contains("--weight 50 in stage strict (expected: 100; strict "
        + "refuses plaintext callers");
  }

  @Test
  void everyErrorCaseHasItsExitCodeAndMessage() throws Exception {
    ok(walk("crossgate apply -f config-examples/migration/1-observe.yaml"));

    Run badStage = walk("crossgate migrate reviews -n shop --to enforcing");
    assertThat(badStage.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(badStage.err()).contains("--to").contains("enforcing")
        .contains("off, observe, permissive, enforce, strict");

    Run outOfRange = walk("crossgate migrate reviews -n shop --weight 150");
    assertThat(outOfRange.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(outOfRange.err()).contains("--weight: 150 (expected: 0..100");

    Run tooEarly = walk("crossgate migrate reviews -n shop --weight 25");
    assertThat(tooEarly.code()).isEqualTo(ExitCodes.INVALID_CONFIG);
    assertThat(tooEarly.err()).contains("shop/reviews: --weight 25 in stage observe (expected: "
        + "0; traffic moves to the mesh from stage permissive on")
        .contains("Next: 'crossgate migrate reviews -n shop --to permissive'");

    Run unknown = walk("crossgate migrate ratings -n shop --to observe");
    assertThat(unknown.code()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(unknown.err()).contains("unknown service shop/ratings (expected: a Service in "
        + "namespace shop; known: reviews)");

    Run noStep = walk("crossgate migrate reviews -n shop");
    assertThat(noStep.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(noStep.err()).contains("expected: --to STAGE, --weight 0-100 or --rollback");

    Run both = walk("crossgate migrate reviews -n shop --rollback --to off");
    assertThat(both.code()).isEqualTo(ExitCodes.USAGE);

    try (RefusedPort refusing = new RefusedPort()) {
      int closed = refusing.port();
      Run down = cli("crossgate migrate reviews -n shop --to permissive", "--server",
          "http://127.0.0.1:" + closed, "--token", token);
      assertThat(down.code()).isEqualTo(ExitCodes.UNREACHABLE);
      assertThat(down.err()).contains("cannot reach the policy API at http://127.0.0.1:" + closed);
    }

    Run wrongToken = cli("crossgate migrate reviews -n shop --to permissive", "--server", url,
        "--token", "not-the-token");
    assertThat(wrongToken.code()).isEqualTo(ExitCodes.UNAUTHORIZED);
    assertThat(wrongToken.err()).contains("refused the token from --token");

    assertState("1-observe.yaml");
  }

  @Test
  void aRefusingSidecarIsNamedAndExits11() throws Exception {
    ok(walk("crossgate apply -f config-examples/migration/1-observe.yaml"));
    sidecarRefuses.set("listener port 8080 is in use");

    Run run = walk("crossgate migrate reviews -n shop --to permissive");

    assertThat(run.code()).isEqualTo(ExitCodes.NACKED);
    assertThat(run.err()).contains("node reviews-1 NACKed: ")
        .contains("listener port 8080 is in use")
        .contains("applied by 1/1 gateways, 0/1 sidecars");
  }

  @Test
  void aSidecarThatDoesNotConfirmInTimeIsNamedAndExits12() throws Exception {
    ok(walk("crossgate apply -f config-examples/migration/1-observe.yaml"));
    sidecarStalls.set(true);

    Run run = cli("crossgate migrate reviews -n shop --to permissive", "--server", url,
        "--token", token, "--timeout", "1s");

    assertThat(run.code()).isEqualTo(ExitCodes.NOT_CONVERGED);
    assertThat(run.err()).contains("timed out waiting for node reviews-1 (sidecar");
  }

  @Test
  void rollbackToARevisionShowsTheDiffAndWaits() throws Exception {
    ok(walk("crossgate apply -f config-examples/migration/0-service.yaml"));
    ok(walk("crossgate migrate reviews -n shop --to observe"));
    ok(walk("crossgate migrate reviews -n shop --to permissive"));
    long observed = engine.store().current().toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS).revision() - 1;

    Run dry = cli("crossgate rollback --to " + observed + " --dry-run", "--server", url,
        "--token", token);
    ok(dry);
    assertThat(dry.out()).contains("~ MeshMigration shop/reviews (changed)")
        .contains("-   stage: permissive").contains("+   stage: observe")
        .contains("dry run: nothing applied");
    assertState("2-permissive.yaml");

    Run run = cli("crossgate rollback --to " + observed + " --wait", "--server", url,
        "--token", token);
    ok(run);
    assertThat(run.out()).containsPattern("revision \\d+: rolled back to the state of revision "
        + observed + " \\(0 created, 1 updated, 0 deleted\\)").containsPattern(CONVERGED);
    assertState("1-observe.yaml");

    Run missing = cli("crossgate rollback --to 999", "--server", url, "--token", token);
    assertThat(missing.code()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(missing.err()).contains("revision 999");
  }

  @Test
  void applyWaitsForTheDataPlanesToo() {
    Run run = cli("crossgate apply -f config-examples/migration/1-observe.yaml --wait", "--server",
        url, "--token", token);

    ok(run);
    assertThat(run.out()).containsPattern("revision \\d+ applied: 2 created")
        .containsPattern(CONVERGED);
  }

  @Test
  void aChangeThatLandsMeanwhileIsAConflictNotOverwritten() throws Exception {
    ok(walk("crossgate apply -f config-examples/migration/1-observe.yaml"));
    // A proxy in front of the engine lets another writer land a change just before the
    // command's write arrives: the command read one revision and writes against it.
    HttpClient forward = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpServer proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    proxy.createContext("/", exchange -> {
      try (exchange) {
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (exchange.getRequestMethod().equals("POST")
            && exchange.getRequestURI().getPath().endsWith("/apply")) {
          List<Resource> other = PolicyLoader.loadString("other.yaml", MeshMigrationTexts.SERVICE
              .formatted("ratings")).bundleOrThrow().resources();
          engine.store().apply(ChangeSet.puts(other), java.util.OptionalLong.empty(), "other",
              "someone else").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create(url + exchange.getRequestURI()))
            .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        for (String header : List.of("Authorization", "If-Match", "Content-Type", "Accept")) {
          String value = exchange.getRequestHeaders().getFirst(header);
          if (value != null) {
            request.header(header, value);
          }
        }
        HttpResponse<byte[]> response = forward.send(request.build(),
            HttpResponse.BodyHandlers.ofByteArray());
        for (String header : List.of("Content-Type", "ETag")) {
          response.headers().firstValue(header)
              .ifPresent(value -> exchange.getResponseHeaders().add(header, value));
        }
        exchange.sendResponseHeaders(response.statusCode(),
            response.body().length == 0 ? -1 : response.body().length);
        exchange.getResponseBody().write(response.body());
      } catch (Exception e) {
        exchange.sendResponseHeaders(502, -1);
      }
    });
    proxy.start();
    try {
      Run run = cli("crossgate migrate reviews -n shop --to permissive", "--server",
          "http://127.0.0.1:" + proxy.getAddress().getPort(), "--token", token);

      assertThat(run.code()).as(run.err()).isEqualTo(ExitCodes.CONFLICT);
      assertThat(run.err()).contains("shop/reviews: the policy changed while this command ran "
          + "(it read revision").contains("nothing was written. Run it again: it re-reads the "
          + "migration and re-checks the step.");
      assertState("1-observe.yaml");
    } finally {
      proxy.stop(0);
    }
  }

  /** YAML for the other writer. */
  private static final class MeshMigrationTexts {
    static final String SERVICE = """
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: %s, namespace: shop}
        spec:
          endpoints: [{address: 127.0.0.1, port: 9002}]
        """;
  }
}
