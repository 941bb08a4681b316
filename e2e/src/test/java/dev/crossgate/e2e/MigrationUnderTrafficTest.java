package dev.crossgate.e2e;

import static dev.crossgate.e2e.MeshFixture.GATEWAY_ID;
import static dev.crossgate.e2e.MeshFixture.PRODUCTPAGE_ID;
import static dev.crossgate.e2e.MeshFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8 end to end: {@code reviews} migrated from {@code off} to {@code strict} and back down to
 * {@code off} with the real CLI ({@code ./crossgate migrate ...} for the first step and
 * {@code migrate status}, the same command in-process for the rest; each step waiting until every
 * data plane runs it), rolling back and re-applying at every stage, while the gateway and
 * productpage's sidecar call reviews continuously. No request may fail, and after each step the
 * path the requests take is what the stage says: plaintext to reviews' sidecar while the mesh
 * weight is 0, mTLS with the caller's SPIFFE id in {@code x-crossgate-peer} at weight 100, both at
 * 50; authorization audited before {@code enforce} and enforced from it; plaintext refused only at
 * {@code strict}.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class MigrationUnderTrafficTest {

  private static final int RATE = SteadyLoad.rate();
  /** Answers per caller looked at after each step. */
  private static final int SAMPLE = 20;

  @TempDir Path dir;
  MeshFixture mesh;
  List<SteadyLoad> load = List.of();
  final List<String> steps = new ArrayList<>();

  @AfterEach
  void stop() {
    if (mesh != null) {
      mesh.close();
    }
  }

  /** What the app sees after a step: no peer (plaintext), the caller's SPIFFE id (mTLS), or both. */
  private enum Seen { PLAINTEXT, MTLS, BOTH }

  @Test
  void offToStrictAndBackWithARollbackAtEveryStageFailsNoRequest() throws Exception {
    mesh = MeshFixture.start(dir, Duration.ofHours(24), """
        apiVersion: crossgate.dev/v1alpha1
        kind: MeshMigration
        metadata: {name: reviews, namespace: shop}
        spec:
          service: {name: reviews}
          stage: off
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: no-admin, namespace: shop}
        spec:
          targetRefs: [{kind: Service, name: reviews}]
          action: DENY
          rules: [{to: [{operation: {paths: ["/admin/*"]}}]}]
        """);
    load = mesh.startLoad(RATE);
    long started = System.nanoTime();
    for (SteadyLoad caller : load) {
      caller.awaitSentSince(started, SAMPLE, Duration.ofSeconds(30));
    }
    expect("off", Seen.PLAINTEXT, started);

    step(Seen.PLAINTEXT, "--to", "observe");
    assertAdminProbe(200); // audited: a would-deny goes through
    step(Seen.PLAINTEXT, "--rollback"); // → off
    step(Seen.PLAINTEXT, "--to", "observe");

    step(Seen.PLAINTEXT, "--to", "permissive"); // weight 0: no traffic moved yet
    step(Seen.PLAINTEXT, "--rollback"); // → observe
    step(Seen.PLAINTEXT, "--to", "permissive");
    step(Seen.BOTH, "--weight", "50");
    step(Seen.PLAINTEXT, "--rollback"); // → weight 0
    step(Seen.BOTH, "--weight", "50");
    step(Seen.MTLS, "--weight", "100");
    step(Seen.BOTH, "--rollback"); // → weight 50
    step(Seen.MTLS, "--weight", "100");
    assertPlaintextProbe(200, null); // permissive still accepts plaintext
    assertStatusShowsBothCallersOverMtls();

    step(Seen.MTLS, "--to", "enforce");
    assertAdminProbe(403);
    step(Seen.MTLS, "--rollback"); // → permissive/100
    assertAdminProbe(200);
    step(Seen.MTLS, "--to", "enforce");

    step(Seen.MTLS, "--to", "strict");
    assertPlaintextProbe(403, "mtls_required");
    step(Seen.MTLS, "--rollback"); // → enforce
    assertPlaintextProbe(200, null);
    step(Seen.MTLS, "--to", "strict");
    assertPlaintextProbe(403, "mtls_required");

    // And back down, one stage at a time.
    step(Seen.MTLS, "--to", "enforce");
    step(Seen.MTLS, "--to", "permissive");
    step(Seen.PLAINTEXT, "--weight", "0");
    step(Seen.PLAINTEXT, "--to", "observe");
    step(Seen.PLAINTEXT, "--to", "off");
    assertThat(stageOnReviewsSidecar()).isEqualTo("off");

    for (SteadyLoad caller : load) {
      caller.stop();
    }
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    StringBuilder report = new StringBuilder("migration e2e: " + steps.size() + " CLI steps in "
        + seconds + " s under load");
    for (SteadyLoad caller : load) {
      report.append("; ").append(caller.caller()).append(' ')
          .append(caller.outcomes().size()).append(" requests, ")
          .append(caller.failures().size()).append(" failed, ").append(caller.skipped())
          .append(" ticks skipped");
    }
    System.out.println(report);
    for (SteadyLoad caller : load) {
      assertThat(caller.failures().size()).as(caller.summary()).isZero();
    }
  }

  // ---- steps and what they should change

  /** Runs {@code crossgate migrate reviews -n shop ARGS} and checks the path requests take. */
  private void step(Seen expected, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("migrate", "reviews", "-n", "shop"));
    command.addAll(List.of(args));
    // The first step runs ./crossgate as a user does; the others run the same command in this
    // JVM, since a JVM start per step would dominate the run on a 2-core CI machine.
    MeshFixture.Cli cli = steps.isEmpty() ? mesh.cli(command.toArray(String[]::new))
        : mesh.cliInProcess(command.toArray(String[]::new));
    long applied = System.nanoTime();
    String what = String.join(" ", args);
    steps.add(what);
    assertThat(cli.exit()).as(what + ": " + cli).isZero();
    // --wait (the default): confirmed applied by every data plane before the command returned.
    assertThat(cli.stdout()).as(what).contains("revision ").contains("applied by");
    expect(what, expected, applied);
  }

  /** The requests sent after {@code since} take {@code expected}, by the peer the app saw. */
  private void expect(String step, Seen expected, long since) throws Exception {
    int sample = expected == Seen.BOTH ? 3 * SAMPLE : SAMPLE;
    for (SteadyLoad caller : load) {
      List<SteadyLoad.Outcome> after = caller.awaitSentSince(since, sample,
          Duration.ofSeconds(30));
      String id = caller.caller().equals("gateway") ? GATEWAY_ID : PRODUCTPAGE_ID;
      Map<String, Integer> peers = SteadyLoad.tally(after, SteadyLoad.Outcome::peer,
          SteadyLoad.Outcome::ok);
      String as = step + ": " + caller.caller() + " saw " + peers + " (gateway's mesh services "
          + mesh.gateway.meshUpstreams().orElseThrow().services().keySet() + ", weight "
          + java.util.Optional.ofNullable(mesh.gateway.meshUpstreams().orElseThrow().services()
              .get("shop/reviews")).map(m -> m.weight() + " over " + mesh.gatewayView())
              .orElse("none") + "; gateway's paths so far: "
          + mesh.gateway.meshUpstreams().orElseThrow().describe("shop/reviews")
          + "; productpage's view " + mesh.sidecarView(mesh.productpage)
          + ")";
      switch (expected) {
        case PLAINTEXT -> assertThat(peers).as(as).containsOnlyKeys(PeerEcho.PLAINTEXT);
        case MTLS -> assertThat(peers).as(as).containsOnlyKeys(id);
        case BOTH -> assertThat(peers).as(as).containsOnlyKeys(PeerEcho.PLAINTEXT, id);
        default -> throw new AssertionError(expected);
      }
    }
  }

  /** productpage asks reviews for a path a DENY policy names: audited or enforced. */
  private void assertAdminProbe(int status) throws Exception {
    HttpResponse<String> response = mesh.productpageGet("/admin/users");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    if (status == 403) {
      assertThat(response.headers().firstValue("x-crossgate-error")).hasValue("authz_denied");
      assertThat(response.body()).contains("denied by AuthorizationPolicy shop/no-admin rule 0");
    }
  }

  /** A plaintext client straight to reviews' sidecar inbound port. */
  private void assertPlaintextProbe(int status, String reason) throws Exception {
    HttpResponse<String> response = mesh.plaintextToReviews("/reviews/plain");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    if (reason != null) {
      assertThat(response.headers().firstValue("x-crossgate-error")).hasValue(reason);
    } else {
      assertThat(response.body()).isEqualTo("reviews-1 " + PeerEcho.PLAINTEXT);
    }
  }

  /** {@code crossgate migrate status} shows both callers over mTLS since the last change. */
  private void assertStatusShowsBothCallersOverMtls() throws Exception {
    // Sidecars report their counters in heartbeats (every 5 s): wait for both callers.
    eventually(Duration.ofSeconds(30), () -> {
      JsonObject status = migrationStatus();
      return hasMtlsCaller(status, GATEWAY_ID) && hasMtlsCaller(status, PRODUCTPAGE_ID);
    }, "both callers over mTLS in the migration evidence");
    MeshFixture.Cli cli = mesh.cli("migrate", "status", "reviews", "-n", "shop");
    assertThat(cli.exit()).as(cli.toString()).isZero();
    assertThat(cli.stdout()).contains("shop/reviews  stage permissive  weight 100")
        .contains(GATEWAY_ID).contains(PRODUCTPAGE_ID);
  }

  private JsonObject migrationStatus() {
    try {
      HttpResponse<String> response = mesh.http(mesh.api("/api/v1/migrations/shop/reviews"));
      return new JsonObject(response.body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean hasMtlsCaller(JsonObject status, String id) {
    for (Object entry : status.getJsonArray("callers", new JsonArray())) {
      JsonObject caller = (JsonObject) entry;
      if (id.equals(caller.getString("caller")) && "mtls".equals(caller.getString("transport"))
          && caller.getLong("requests", 0L) > 0) {
        return true;
      }
    }
    return false;
  }

  private String stageOnReviewsSidecar() throws Exception {
    return mesh.configDump(mesh.reviews.adminPort()).getString("stage");
  }
}
