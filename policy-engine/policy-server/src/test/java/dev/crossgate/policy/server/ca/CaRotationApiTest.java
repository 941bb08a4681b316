package dev.crossgate.policy.server.ca;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.distribution.AppliedSnapshot;
import dev.crossgate.policy.distribution.DistributionClient;
import dev.crossgate.policy.distribution.DistributionClientSettings;
import dev.crossgate.policy.distribution.NodeIdentity;
import dev.crossgate.policy.distribution.v1.NodeRole;
import dev.crossgate.policy.distribution.v1.Snapshot;
import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import dev.crossgate.policy.server.distribution.DistributionService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real engine: every snapshot carries the trust bundle and the signing root; {@code POST
 * /api/v1/ca/rotate} adds a root that reaches a connected node at the same revision, and
 * {@code GET /api/v1/ca} shows each step, never a key.
 */
class CaRotationApiTest {

  @TempDir Path data;
  PolicyServer engine;
  Vertx vertx;
  DistributionClient node;
  final List<Snapshot> received = new CopyOnWriteArrayList<>();
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() {
    engine = PolicyServer.start(PolicyServerOptions.defaults(data).withApi("127.0.0.1", 0)
        .withDistributionPort(0), new DistributionService.Settings(Duration.ofMillis(200),
        Duration.ofSeconds(2)));
    vertx = Vertx.vertx();
    AtomicReference<AppliedSnapshot> running = new AtomicReference<>(AppliedSnapshot.NONE);
    node = DistributionClient.start(vertx, new DistributionClientSettings(
            List.of(SocketAddress.inetSocketAddress(engine.distributionPort(), "127.0.0.1")),
            Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofMillis(50),
            Duration.ofMillis(500)),
        new NodeIdentity("sidecar-1", NodeRole.NODE_ROLE_SIDECAR, "", "reviews", "shop", "test"),
        running::get, snapshot -> {
          running.set(new AppliedSnapshot(snapshot.getRevision(), snapshot.getHash()));
          received.add(snapshot); // after running: a test that sees it may read what runs
          return Future.succeededFuture();
        }, new DistributionClient.ConnectionListener() { });
  }

  @AfterEach
  void stop() throws Exception {
    node.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    engine.close();
  }

  @Test
  void snapshotsCarryTheBundleAndARotationReachesNodesStepByStep() throws Exception {
    eventually(() -> !received.isEmpty());
    Snapshot first = received.get(received.size() - 1);
    String oldRoot = engine.meshAuthority().signingRootSha256();
    assertThat(first.getTrustRootsPemList()).hasSize(1);
    assertThat(first.getTrustRootsPem(0)).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(first.getSigningRootSha256()).isEqualTo(oldRoot).hasSize(64);

    JsonObject before = new JsonObject(call("GET", "/api/v1/ca", null).body());
    assertThat(before.getString("phase")).isEqualTo("stable");
    assertThat(before.getString("signingRootSha256")).isEqualTo(oldRoot);

    HttpResponse<String> rotated = call("POST", "/api/v1/ca/rotate", "");
    assertThat(rotated.statusCode()).isEqualTo(202);
    JsonObject started = new JsonObject(rotated.body());
    assertThat(started.getString("phase")).isEqualTo("propagating");
    assertThat(started.getJsonArray("roots")).hasSize(2);
    assertThat(rotated.body()).doesNotContain("PRIVATE KEY").doesNotContain("BEGIN");
    String newRoot = started.getJsonArray("roots").getJsonObject(0).getString("sha256");
    assertThat(started.getJsonArray("roots").getJsonObject(0).getString("state"))
        .isEqualTo("incoming");

    // The node gets the new bundle at the same revision, ACKs it, and the new root signs; the
    // node holds no certificate, so nothing holds the old root back and it retires.
    eventually(() -> received.stream().anyMatch(s -> s.getTrustRootsPemCount() == 2
        && s.getRevision() == first.getRevision()));
    eventually(() -> {
      Snapshot last = received.get(received.size() - 1);
      return last.getTrustRootsPemCount() == 1 && last.getSigningRootSha256().equals(newRoot);
    });
    JsonObject after = new JsonObject(call("GET", "/api/v1/ca", null).body());
    assertThat(after.getString("phase")).isEqualTo("stable");
    assertThat(after.getString("signingRootSha256")).isEqualTo(newRoot);
    assertThat(after.getJsonArray("roots").getJsonObject(1).getString("state"))
        .isEqualTo("retired");
    assertThat(engine.meshAuthority().trustBundlePem()).doesNotContain("PRIVATE");
  }

  @Test
  void refusalsArePrecise() throws Exception {
    HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(uri("/api/v1/ca/rotate"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);

    HttpResponse<String> half = call("POST", "/api/v1/ca/rotate", "{\"certificatePem\":\"x\"}");
    assertThat(half.statusCode()).isEqualTo(400);
    assertThat(half.body()).contains("keyPem: missing (expected: both certificatePem and keyPem");

    HttpResponse<String> notJson = call("POST", "/api/v1/ca/rotate", "[1]");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(notJson.body()).contains("body: not a JSON object");

    RootCa a = RootCa.generate("crossgate.local", java.time.Instant.now());
    RootCa b = RootCa.generate("crossgate.local", java.time.Instant.now());
    String bKey = b.toPem().substring(b.toPem().indexOf("-----BEGIN PRIVATE"));
    HttpResponse<String> mismatch = call("POST", "/api/v1/ca/rotate", new JsonObject()
        .put("certificatePem", a.certificatePem()).put("keyPem", bKey).encode());
    assertThat(mismatch.statusCode()).isEqualTo(400);
    assertThat(mismatch.body()).contains("root key: does not match the root certificate's public key");
    assertThat(engine.meshAuthority().roots().phase()).isEqualTo("stable");

    // The connected node holds a certificate from the old root: the rotation waits for it in
    // "reissuing", and a second rotation meanwhile is a conflict.
    String token = MeshAuthorityTest.await(engine.meshAuthority().joinTokens()
        .create(new WorkloadIdentity("shop", "reviews"), Duration.ofHours(1))).token();
    MeshAuthorityTest.await(engine.meshAuthority().issue(TestCsrs.csr(TestCsrs.ec(), null), token,
        "sidecar-1"));
    eventually(() -> !received.isEmpty());
    HttpResponse<String> operator = call("POST", "/api/v1/ca/rotate", new JsonObject()
        .put("certificatePem", a.certificatePem())
        .put("keyPem", a.toPem().substring(a.toPem().indexOf("-----BEGIN PRIVATE"))).encode());
    assertThat(operator.statusCode()).isEqualTo(202);
    assertThat(operator.body()).doesNotContain("PRIVATE");
    eventually(() -> engine.meshAuthority().roots().phase().equals("reissuing")
        && engine.meshAuthority().waitingFor().equals(List.of("sidecar-1")));
    JsonObject status = new JsonObject(call("GET", "/api/v1/ca", null).body());
    assertThat(status.getJsonArray("waitingFor").getList()).containsExactly("sidecar-1");
    assertThat(status.getString("signingRootSha256")).isEqualTo(Pem.sha256(a.certificate()));
    assertThat(status.getString("retireBy")).isNotNull();
    HttpResponse<String> again = call("POST", "/api/v1/ca/rotate", "");
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.headers().firstValue("x-crossgate-error")).hasValue("rotation_in_progress");
    assertThat(again.body()).contains("a root rotation is already reissuing");
  }

  private HttpResponse<String> call(String method, String path, String body) throws Exception {
    String admin = Files.readString(data.resolve("tokens/admin.token")).strip();
    return http.send(HttpRequest.newBuilder(uri(path))
        .header("Authorization", "Bearer " + admin)
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + engine.apiPort() + path);
  }

  private static void eventually(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 20 s");
      }
      Thread.sleep(10);
    }
  }
}
