package dev.crossgate.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import dev.crossgate.policy.server.ca.WorkloadIdentity;
import dev.crossgate.policy.server.store.ChangeSet;
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
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Service b migrates through its stages on loopback with the real engine, three apps and their
 * sidecars: a is allowed to call b by principal, c only to GET /public/* by a RoleBinding,
 * nobody to /admin/*. Each step applies a new MeshMigration revision and waits until b's sidecar
 * runs it, so the stage changes live. The tests run in migration order (observe, permissive,
 * enforce, strict, back); the status API's windows follow those changes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MigrationStagesTest {

  static final String A = "spiffe://crossgate.local/ns/shop/sa/a";
  static final String C = "spiffe://crossgate.local/ns/shop/sa/c";

  static Path data;
  static PolicyServer engine;
  static String token;
  static TestBackend appA;
  static TestBackend appB;
  static TestBackend appC;
  static SidecarServer sidecarA;
  static SidecarServer sidecarB;
  static SidecarServer sidecarC;
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    data = Files.createTempDirectory("crossgate-stages");
    engine = PolicyServer.start(PolicyServerOptions.defaults(data).withApi("127.0.0.1", 0)
        .withDistributionPort(0));
    token = Files.readString(data.resolve("tokens").resolve("admin.token")).strip();
    appA = TestBackend.start("app-a");
    appB = TestBackend.start("app-b");
    appC = TestBackend.start("app-c");
    sidecarA = SidecarServer.start(options("a", appA.port(), token("a")));
    sidecarB = SidecarServer.start(options("b", appB.port(), token("b")));
    sidecarC = SidecarServer.start(options("c", appC.port(), token("c")));
    apply("""
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: b, namespace: shop}
        spec:
          endpoints: [{address: 127.0.0.1, port: %d}]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: allow-a, namespace: shop}
        spec:
          targetRefs: [{kind: Service, name: b}]
          action: ALLOW
          rules:
            - from:
                - source:
                    principals: ["%s"]
                    namespaces: [shop]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: deny-admin, namespace: shop}
        spec:
          targetRefs: [{kind: Service, name: b}]
          action: DENY
          rules:
            - to:
                - operation:
                    paths: ["/admin/*"]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Role
        metadata: {name: public-reader, namespace: shop}
        spec:
          rules:
            - methods: [GET]
              paths: ["/public/*"]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: RoleBinding
        metadata: {name: c-reads-public, namespace: shop}
        spec:
          roleRef: {name: public-reader}
          subjects: [{kind: Principal, name: "%s"}]
          targetRefs: [{kind: Service, name: b}]
        """.formatted(sidecarB.inboundPort(), A, C));
    migrate("observe", null);
    MeshHopTest.awaitReady(sidecarA);
    MeshHopTest.awaitReady(sidecarC);
    MeshHopTest.awaitSnapshotWith(sidecarA, "shop/b");
    MeshHopTest.awaitSnapshotWith(sidecarC, "shop/b");
    // The mesh path (from permissive on) is b's registered sidecar; the static endpoint is the
    // direct path, which here is b's inbound port too, as transparent capture would make it.
    MeshView.awaitMeshEndpoints(sidecarA, "shop/b", List.of(MeshView.inbound(sidecarB)));
    MeshView.awaitMeshEndpoints(sidecarC, "shop/b", List.of(MeshView.inbound(sidecarB)));
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable closeable : new AutoCloseable[] {sidecarA, sidecarB, sidecarC, appA, appB,
        appC, engine}) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        // keep closing the rest
      }
    }
  }

  @Test
  @Order(1)
  void observeLetsAWouldDenyRequestThroughAndCountsIt() throws Exception {
    migrate("observe", null);
    appB.reset();

    // At observe callers still take the direct path: plaintext, captured by b's sidecar.
    HttpResponse<String> response = call(sidecarC, "/orders");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(appB.requests()).hasSize(1);
    assertThat(appB.requests().get(0).headers().get("x-crossgate-peer")).isNull();
    String metrics = MeshHopTest.admin(sidecarB, "/metrics").body();
    assertThat(metrics).containsPattern(
        "crossgate_sidecar_authz_would_deny_total\\{caller=\"plaintext/loopback\"} [1-9]");
    assertThat(metrics).containsPattern("crossgate_sidecar_inbound_requests_total\\{caller=\""
        + "plaintext/loopback\",transport=\"plaintext\"} [1-9]");
    assertThat(metrics).contains("crossgate_sidecar_inbound_request_duration_seconds_bucket");
    JsonObject dump = new JsonObject(MeshHopTest.admin(sidecarB, "/config_dump").body());
    assertThat(dump.getString("stage")).isEqualTo("observe");
    assertThat(dump.getString("authorization")).isEqualTo("AUDIT");
    assertThat(dump.getString("mtlsMode")).isEqualTo("PERMISSIVE");

    // The engine has it from b's heartbeats (and so the next step's window starts clean).
    JsonObject status = awaitStatus(s -> s.getJsonObject("after").getLong("wouldDeny") >= 1);
    assertThat(status.getString("stage")).isEqualTo("observe");
    assertThat(caller(status, "plaintext/loopback", "plaintext").getLong("wouldDeny"))
        .isEqualTo(1);
    assertThat(status.getJsonObject("verdict").getString("nextStage")).isEqualTo("permissive");
    assertThat(status.getJsonObject("verdict").getJsonArray("notes").encode())
        .contains("1 request would be denied by no ALLOW policy matches");
  }

  @Test
  @Order(2)
  void theStatusApiShowsCallersByTransportAndWhyAdvancingIsNotSafe() throws Exception {
    migrate("permissive", 100); // every mesh caller's request over mTLS through b's sidecar
    for (int i = 0; i < 2; i++) {
      assertThat(plaintext("/plain").statusCode()).isEqualTo(200);
    }
    for (int i = 0; i < 3; i++) {
      assertThat(call(sidecarA, "/orders").statusCode()).isEqualTo(200);
    }
    assertThat(call(sidecarC, "/orders").statusCode()).isEqualTo(200);

    JsonObject status = awaitStatus(s -> s.getJsonObject("after").getLong("requests") >= 6);

    assertThat(status.getString("stage")).isEqualTo("permissive");
    assertThat(status.getInteger("meshWeight")).isEqualTo(100);
    assertThat(status.getJsonObject("lastChange").getString("from")).isEqualTo("observe/0");
    assertThat(status.getJsonObject("lastChange").getString("to")).isEqualTo("permissive/100");
    JsonObject after = status.getJsonObject("after");
    assertThat(after.getLong("requests")).isEqualTo(6);
    assertThat(after.getLong("plaintext")).isEqualTo(2);
    assertThat(after.getLong("mtls")).isEqualTo(4);
    assertThat(after.getLong("wouldDeny")).isEqualTo(3); // c, and both plaintext requests
    assertThat(caller(status, A, "mtls").getLong("requests")).isEqualTo(3);
    assertThat(caller(status, A, "mtls").getLong("wouldDeny")).isZero();
    assertThat(caller(status, C, "mtls").getLong("wouldDeny")).isEqualTo(1);
    assertThat(caller(status, "plaintext/loopback", "plaintext").getLong("requests")).isEqualTo(2);
    assertThat(status.getJsonObject("before").getLong("requests")).isGreaterThanOrEqualTo(1);
    JsonObject verdict = status.getJsonObject("verdict");
    assertThat(verdict.getString("nextStage")).isEqualTo("enforce");
    assertThat(verdict.getBoolean("safeToAdvance")).isFalse();
    assertThat(verdict.getJsonArray("reasons").encode())
        .contains("3 requests would be denied by no ALLOW policy matches");
    assertThat(verdict.getJsonArray("notes").encode())
        .contains("1 caller still uses plaintext: plaintext/loopback");

    JsonObject list = new JsonObject(api("/api/v1/migrations?namespace=shop").body());
    assertThat(list.getJsonArray("migrations")).hasSize(1);
    assertThat(list.getJsonArray("migrations").getJsonObject(0).getString("service"))
        .isEqualTo("b");
  }

  @Test
  @Order(3)
  void enforceDeniesWithTheDecidingPolicyAndLetsAllowedPrincipalsThrough() throws Exception {
    migrate("enforce", 100);
    appB.reset();

    HttpResponse<String> denied = call(sidecarC, "/orders");
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(denied.headers().firstValue("x-crossgate-error")).hasValue("authz_denied");
    assertThat(denied.headers().firstValue("content-type").orElse(""))
        .startsWith("application/problem+json");
    assertThat(denied.body()).contains("GET /orders from " + C)
        .contains("no ALLOW policy matches");

    HttpResponse<String> admin = call(sidecarA, "/admin/users");
    assertThat(admin.statusCode()).isEqualTo(403);
    assertThat(admin.body()).contains("denied by AuthorizationPolicy shop/deny-admin rule 0");

    HttpResponse<String> publicRead = call(sidecarC, "/public/menu");
    assertThat(publicRead.statusCode()).isEqualTo(200);

    HttpResponse<String> allowed = http.send(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + sidecarA.outboundPort() + "/orders"))
        .header("host", "b").header("x-crossgate-peer", "spiffe://forged/ns/x/sa/y").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(allowed.statusCode()).isEqualTo(200);
    assertThat(appB.requests()).extracting(r -> r.uri())
        .containsExactly("/public/menu", "/orders");
    assertThat(appB.requests().get(1).headers().get("x-crossgate-peer")).containsExactly(A);
    assertThat(appB.requests().get(0).headers().get("x-crossgate-peer")).containsExactly(C);

    // Plaintext has no principal: denied too, though plaintext is still accepted.
    HttpResponse<String> plain = plaintext("/orders");
    assertThat(plain.statusCode()).isEqualTo(403);
    assertThat(plain.headers().firstValue("x-crossgate-error")).hasValue("authz_denied");
    assertThat(MeshHopTest.admin(sidecarB, "/metrics").body()).containsPattern(
        "crossgate_sidecar_authz_denied_total\\{caller=\"" + C + "\"} [1-9]");
  }

  @Test
  @Order(4)
  void strictRefusesPlaintextAndARollbackAcceptsItAgainLive() throws Exception {
    migrate("strict", 100);
    HttpResponse<String> refused = plaintext("/public/x");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.headers().firstValue("x-crossgate-error")).hasValue("mtls_required");
    assertThat(refused.body()).contains("STRICT (MeshMigration stage strict)")
        .contains("connect with mutual TLS");
    assertThat(call(sidecarA, "/orders").statusCode()).isEqualTo(200);

    // Back to permissive: plaintext is accepted again, and only audited.
    migrate("permissive", 100);
    HttpResponse<String> accepted = plaintext("/plain");
    assertThat(accepted.statusCode()).isEqualTo(200);
    assertThat(accepted.headers().firstValue("x-crossgate-error")).isEmpty();
  }

  @Test
  @Order(5)
  void badInputToTheStatusApiIsAPreciseError() throws Exception {
    HttpResponse<String> badNamespace = api("/api/v1/migrations/Shop!/b");
    assertThat(badNamespace.statusCode()).isEqualTo(400);
    assertThat(badNamespace.headers().firstValue("x-crossgate-error")).hasValue("bad_request");
    assertThat(badNamespace.body()).contains("namespace: Shop! (expected: a lower-case name");

    HttpResponse<String> badName = api("/api/v1/migrations/shop/B_1");
    assertThat(badName.statusCode()).isEqualTo(400);
    assertThat(badName.body()).contains("service: B_1 (expected: a lower-case name");

    HttpResponse<String> unknown = api("/api/v1/migrations/shop/nowhere");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("MeshMigration for service shop/nowhere (known: shop/b)");

    HttpResponse<String> badParam = api("/api/v1/migrations?ns=shop");
    assertThat(badParam.statusCode()).isEqualTo(400);
    assertThat(badParam.body()).contains("query parameter ns: unknown (expected: namespace)");

    HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + engine.apiPort() + "/api/v1/migrations")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);
  }

  // ---- helpers

  static JsonObject caller(JsonObject status, String name, String transport) {
    JsonArray callers = status.getJsonArray("callers");
    for (int i = 0; i < callers.size(); i++) {
      JsonObject caller = callers.getJsonObject(i);
      if (caller.getString("caller").equals(name)
          && caller.getString("transport").equals(transport)) {
        return caller;
      }
    }
    throw new AssertionError("no caller " + name + " over " + transport + " in " + callers);
  }

  static JsonObject awaitStatus(Predicate<JsonObject> done) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      HttpResponse<String> response = api("/api/v1/migrations/shop/b");
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonObject status = new JsonObject(response.body());
      if (done.test(status)) {
        return status;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("status not reached in 30 s: " + status.encodePrettily());
      }
      Thread.sleep(100);
    }
  }

  static HttpResponse<String> api(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.apiPort()
        + path)).header("authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> call(SidecarServer from, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + from.outboundPort() + path)).header("host", "b").build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> plaintext(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + sidecarB.inboundPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Applies a new MeshMigration revision for b (via the API) and waits until b's sidecar runs it. */
  static void migrate(String stage, Integer weight) throws Exception {
    applyThroughApi("""
        apiVersion: crossgate.dev/v1alpha1
        kind: MeshMigration
        metadata: {name: b, namespace: shop}
        spec:
          service: {name: b}
          stage: %s
        %s""".formatted(stage, weight == null ? "" : "  meshWeight: " + weight + "\n"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String dump;
    while (!(dump = MeshHopTest.admin(sidecarB, "/config_dump").body())
        .contains("\"stage\" : \"" + stage + "\"")) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("sidecar b not at stage " + stage + " after 30 s: " + dump);
      }
      Thread.sleep(20);
    }
  }

  static SidecarOptions options(String service, int appPort, String token) {
    return SidecarOptions.of(service, "shop", appPort, "127.0.0.1:" + engine.distributionPort(),
        token).withPorts(0, 0, 0).withInboundAddress("127.0.0.1");
  }

  static String token(String serviceAccount) throws Exception {
    return await(engine.meshAuthority().joinTokens()
        .create(new WorkloadIdentity("shop", serviceAccount), Duration.ofHours(1))).token();
  }

  static void apply(String yaml) throws Exception {
    List<Resource> resources = PolicyLoader.loadString("test.yaml", yaml).bundleOrThrow()
        .resources();
    await(engine.store().apply(ChangeSet.puts(resources), OptionalLong.empty(), "test", "test"));
  }

  static void applyThroughApi(String yaml) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + engine.apiPort() + "/api/v1/apply"))
        .header("authorization", "Bearer " + token).header("content-type", "application/yaml")
        .POST(HttpRequest.BodyPublishers.ofString(yaml)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
