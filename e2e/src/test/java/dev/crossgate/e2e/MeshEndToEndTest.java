package dev.crossgate.e2e;

import static dev.crossgate.e2e.MeshFixture.GATEWAY_ID;
import static dev.crossgate.e2e.MeshFixture.PRODUCTPAGE_ID;
import static dev.crossgate.e2e.MeshFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.routing.mesh.WorkloadCertificate;
import dev.crossgate.testkit.TestBackend;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mesh end to end on loopback (issue 7): the policy engine, a gateway with its own mesh
 * identity, productpage and reviews each behind a sidecar ({@link MeshFixture}), reviews at
 * MeshMigration stage strict (mTLS only, authorization enforced, every caller through the mesh).
 * In order: mTLS really happens and plaintext is refused; authorization by principal; certificate
 * renewal (1-minute certificates, renewed at half-life) and a root rotation under load with no
 * failed request; a control-plane outage under load with no failed request, after which every
 * node reconnects and converges; and a sidecar killed with SIGKILL under load leaving reviews'
 * endpoint set, callers failing only until their view of the set drops it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class MeshEndToEndTest {

  /** Requests a second from each caller (gateway, productpage) while under load. */
  private static final int RATE = SteadyLoad.rate();

  @TempDir static Path dir;
  static MeshFixture mesh;

  @BeforeAll
  static void start() throws Exception {
    mesh = MeshFixture.start(dir, Duration.ofMinutes(1), """
        apiVersion: crossgate.dev/v1alpha1
        kind: MeshMigration
        metadata: {name: reviews, namespace: shop}
        spec:
          service: {name: reviews}
          stage: strict
          meshWeight: 100
        """);
  }

  @AfterAll
  static void stop() {
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  @Order(1)
  void mtlsReallyHappensAndStrictRefusesPlaintext() throws Exception {
    HttpResponse<String> fromProductpage = mesh.http(mesh.productpageRequest("/reviews/1")
        .header("x-crossgate-peer", "spiffe://forged/ns/x/sa/y"));
    assertThat(fromProductpage.statusCode()).as(fromProductpage.body()).isEqualTo(200);
    // The app sees the verified caller from the handshake, never the caller's own header.
    assertThat(fromProductpage.body()).isEqualTo("reviews-1 " + PRODUCTPAGE_ID);

    HttpResponse<String> fromGateway = mesh.gatewayGet("/reviews/1");
    assertThat(fromGateway.statusCode()).as(fromGateway.body()).isEqualTo(200);
    assertThat(fromGateway.body()).isEqualTo("reviews-1 " + GATEWAY_ID);

    HttpResponse<String> plaintext = mesh.plaintextToReviews("/reviews/1");
    assertThat(plaintext.statusCode()).isEqualTo(403);
    assertThat(plaintext.headers().firstValue("x-crossgate-error")).hasValue("mtls_required");
    assertThat(plaintext.headers().firstValue("content-type").orElse(""))
        .startsWith("application/problem+json");

    // reviews' sidecar counted both callers over mTLS, by their SPIFFE ids.
    String metrics = mesh.adminGet(mesh.reviews.adminPort(), "/metrics");
    assertThat(metrics).containsPattern("crossgate_sidecar_inbound_requests_total\\{caller=\""
        + PRODUCTPAGE_ID + "\",transport=\"mtls\"} [1-9]");
    assertThat(metrics).containsPattern("crossgate_sidecar_inbound_requests_total\\{caller=\""
        + GATEWAY_ID + "\",transport=\"mtls\"} [1-9]");
  }

  @Test
  @Order(2)
  void authorizationAllowsOnlyTheNamedPrincipal() throws Exception {
    mesh.apply(allow(PRODUCTPAGE_ID));
    HttpResponse<String> allowed = mesh.productpageGet("/reviews/2");
    assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
    assertThat(allowed.body()).isEqualTo("reviews-1 " + PRODUCTPAGE_ID);

    // Another mesh caller (reviews' own workload, through its sidecar's outbound port) gets
    // through the handshake and is refused by reviews' sidecar for its principal.
    HttpResponse<String> denied = mesh.http(mesh.outboundRequest(mesh.reviews, "reviews",
        "/reviews/2"));
    assertThat(denied.statusCode()).as(denied.body()).isEqualTo(403);
    assertThat(denied.headers().firstValue("x-crossgate-error")).hasValue("authz_denied");
    assertThat(denied.headers().firstValue("content-type").orElse(""))
        .startsWith("application/problem+json");
    assertThat(denied.body()).contains("GET /reviews/2 from " + MeshFixture.REVIEWS_ID)
        .contains("no ALLOW policy matches");

    // The gateway's request is denied too, by reviews' sidecar for the gateway's principal: a
    // policy on a meshed Service is enforced at the service's inbound, not at the gateway for
    // its edge client (docs/security.md, "Where a policy is enforced").
    HttpResponse<String> viaGateway = mesh.gatewayGet("/reviews/2");
    assertThat(viaGateway.statusCode()).as(viaGateway.body()).isEqualTo(403);
    assertThat(viaGateway.headers().firstValue("x-crossgate-error")).hasValue("authz_denied");
    assertThat(viaGateway.body()).contains("GET /reviews/2 from " + GATEWAY_ID)
        .contains("no ALLOW policy matches");
    assertThat(mesh.reviewsApp.requests()).filteredOn(r -> r.uri().equals("/reviews/2"))
        .singleElement().satisfies(r ->
            assertThat(r.headers().get("x-crossgate-peer")).containsExactly(PRODUCTPAGE_ID));

    // Naming the gateway's principal lets the gateway through; the other caller stays refused.
    mesh.apply(allow(PRODUCTPAGE_ID, GATEWAY_ID));
    assertThat(mesh.gatewayGet("/reviews/2").body()).isEqualTo("reviews-1 " + GATEWAY_ID);
    assertThat(mesh.http(mesh.outboundRequest(mesh.reviews, "reviews", "/reviews/2"))
        .statusCode()).isEqualTo(403);

    // Without the policy both callers get through again, for the load of the next tests.
    mesh.delete("AuthorizationPolicy", "shop", "reviews-callers");
    assertThat(mesh.gatewayGet("/reviews/2").body()).isEqualTo("reviews-1 " + GATEWAY_ID);
  }

  @Test
  @Order(3)
  void certificatesRenewAndTheRootRotatesUnderLoadWithNoFailedRequest() throws Exception {
    Map<String, Supplier<WorkloadCertificate>> holders = Map.of(
        "gateway", () -> mesh.gateway.meshCertificates().orElseThrow().current().orElseThrow(),
        "productpage", () -> mesh.productpage.certificates().current().orElseThrow(),
        "reviews", () -> mesh.reviews.certificates().current().orElseThrow());
    Map<String, Instant> issued = new java.util.TreeMap<>();
    holders.forEach((name, holder) -> issued.put(name, holder.get().notBefore()));
    String oldRoot = mesh.engine.meshAuthority().signingRootSha256();
    List<SteadyLoad> load = mesh.startLoad(RATE);
    long started = System.nanoTime();

    // 1-minute certificates are renewed at half-life: within 30 s of being issued.
    eventually(Duration.ofSeconds(75), () -> holders.entrySet().stream().allMatch(
        h -> h.getValue().get().notBefore().isAfter(issued.get(h.getKey()))),
        "every certificate renewed");
    long renewedMillis = (System.nanoTime() - started) / 1_000_000;
    // Renewed at about half-life, not at once: a renewed certificate's notBefore (back-dated by
    // the CA as the first one was) is about 30 s after its predecessor's.
    holders.forEach((name, holder) -> assertThat(Duration.between(issued.get(name),
        holder.get().notBefore())).as(name + "'s renewal interval")
        .isGreaterThanOrEqualTo(Duration.ofSeconds(20)));

    MeshFixture.Cli rotate = mesh.cli("ca", "rotate", "--wait", "--poll-interval", "200ms");
    assertThat(rotate.exit()).as(rotate.toString()).isZero();
    String newRoot = mesh.engine.meshAuthority().signingRootSha256();
    assertThat(newRoot).isNotEqualTo(oldRoot);
    holders.forEach((name, holder) -> assertThat(holder.get().issuerRootSha256())
        .as(name + "'s certificate's root").isEqualTo(newRoot));
    long afterRotation = System.nanoTime();
    for (SteadyLoad caller : load) {
      caller.awaitSentSince(afterRotation, RATE, Duration.ofSeconds(30));
    }
    stop(load);

    report("renewal + rotation", load, "renewed after " + renewedMillis + " ms");
    assertNoFailures(load);
    // Both callers went through the mesh the whole time.
    for (SteadyLoad caller : load) {
      assertThat(SteadyLoad.tally(caller.outcomes(), SteadyLoad.Outcome::peer, o -> true))
          .containsOnlyKeys(caller.caller().equals("gateway") ? GATEWAY_ID : PRODUCTPAGE_ID);
    }
  }

  @Test
  @Order(4)
  void trafficFlowsThroughAControlPlaneOutageAndNodesReconnectAndConverge() throws Exception {
    int nodes = mesh.engine.nodes().nodes().size();
    assertThat(nodes).isEqualTo(3); // the gateway and two sidecars
    List<SteadyLoad> load = mesh.startLoad(RATE);
    long warm = System.nanoTime();
    for (SteadyLoad caller : load) {
      caller.awaitSentSince(warm, RATE / 5, Duration.ofSeconds(30));
    }

    mesh.stopEngine();
    long down = System.nanoTime();
    // Three seconds of traffic with no engine at all.
    for (SteadyLoad caller : load) {
      caller.awaitSentSince(down, 3 * RATE, Duration.ofSeconds(30));
    }
    assertThat(MeshFixture.accepts(mesh.controlPlane())).isFalse();
    long restarting = System.nanoTime();
    long outageMillis = (restarting - down) / 1_000_000;

    mesh.restartEngine();
    long up = System.nanoTime();
    eventually(Duration.ofSeconds(60), () -> mesh.engine.nodes().nodes().size() == nodes,
        "all " + nodes + " nodes reconnected");
    mesh.awaitConverged(Duration.ofSeconds(60));
    long converged = System.nanoTime();
    // A change after the restart reaches every node (apply waits for all of them).
    long revision = mesh.apply("""
        apiVersion: crossgate.dev/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: no-admin, namespace: shop}
        spec:
          targetRefs: [{kind: Service, name: reviews}]
          action: DENY
          rules: [{to: [{operation: {paths: ["/admin/*"]}}]}]
        """);
    assertThat(mesh.engine.nodes().nodes()).hasSize(nodes)
        .allSatisfy(n -> assertThat(n.appliedRevision()).isEqualTo(revision));
    long after = System.nanoTime();
    for (SteadyLoad caller : load) {
      caller.awaitSentSince(after, RATE / 5, Duration.ofSeconds(30));
    }
    stop(load);

    load.forEach(caller -> System.out.println(caller.summary()));
    report("control-plane outage", load, "engine down " + outageMillis
        + " ms (then " + (up - restarting) / 1_000_000 + " ms to restart); all nodes back and "
        + "converged " + (converged - up) / 1_000_000 + " ms after it was up");
    for (SteadyLoad caller : load) {
      // Nothing fails across the whole outage: while the engine is down (existing certificates
      // and snapshots serve), while it restarts and its nodes reconnect (the restarted engine
      // keeps the endpoints it served before until their sidecars register again, so reviews, at
      // strict, never loses its endpoint set in the gateway or in productpage's sidecar), and
      // once every node is back.
      assertThat(caller.outcomes()).filteredOn(o -> o.sentNanos() < restarting)
          .as(caller.summary()).isNotEmpty();
      assertThat(caller.sentSince(converged)).as(caller.summary()).isNotEmpty();
      assertThat(caller.failures()).as(caller.summary()).isEmpty();
    }
  }

  @Test
  @Order(5)
  void aSidecarKilledMidTrafficLeavesTheEndpointSetAndCallersStopFailing() throws Exception {
    TestBackend reviews2 = TestBackend.start("reviews-2");
    mesh.keep(reviews2);
    reviews2.behave(PeerEcho.answeringAs("reviews-2"));
    MeshFixture.SidecarProcess second = mesh.startReviewsSidecarProcess(reviews2);
    List<String> both = sorted(MeshFixture.endpoint(mesh.reviews.inboundPort()),
        second.endpoint());
    eventually(Duration.ofSeconds(30), () -> both.equals(mesh.gatewayView())
        && both.equals(mesh.sidecarView(mesh.productpage)), "both reviews sidecars in the "
        + "callers' views");

    List<SteadyLoad> load = mesh.startLoad(RATE);
    // Both instances serve both callers before the kill.
    eventually(Duration.ofSeconds(30), () -> load.stream().allMatch(caller ->
        SteadyLoad.tally(caller.outcomes(), SteadyLoad.Outcome::app, SteadyLoad.Outcome::ok)
            .keySet().containsAll(List.of("reviews-1", "reviews-2"))),
        "reviews-1 and reviews-2 both serving");

    // Stamped before the signal: kill() returns only once the process is gone, and requests
    // failing while it dies may be answered before kill() returns.
    long killed = System.nanoTime();
    second.process().kill();
    List<String> one = List.of(MeshFixture.endpoint(mesh.reviews.inboundPort()));
    // The bound: callers stop failing once their own view of the endpoint set has dropped the
    // killed sidecar (the engine saw its stream die and pushed new snapshots); that must
    // happen within 10 s, and no request sent after it may fail. The only failures allowed are
    // requests in flight at the kill: sent before the callers noticed, answered after the kill.
    eventually(Duration.ofSeconds(10), () -> one.equals(mesh.gatewayView())
        && one.equals(mesh.sidecarView(mesh.productpage)), "the killed sidecar to leave both "
        + "callers' views");
    long noticed = System.nanoTime();
    for (SteadyLoad caller : load) {
      caller.awaitSentSince(noticed, 2 * RATE, Duration.ofSeconds(30));
    }
    stop(load);

    long noticedMillis = (noticed - killed) / 1_000_000;
    System.out.println("sidecar killed at +" + SteadyLoad.sinceStart(killed) + " ms, gone from "
        + "the callers' views at +" + SteadyLoad.sinceStart(noticed) + " ms");
    List<SteadyLoad.Outcome> failures = new ArrayList<>();
    load.forEach(caller -> failures.addAll(caller.failures()));
    load.forEach(caller -> System.out.println(caller.summary()));
    // What the killed sidecar process itself said, for failures before the kill.
    second.process().stderr().lines().filter(l -> l.contains("WARN") || l.contains("ERROR")
        || l.contains("Exception")).limit(20).forEach(l -> System.out.println("reviews-2: " + l));
    report("sidecar killed", load, "left the callers' views " + noticedMillis
        + " ms after SIGKILL; " + failures.size() + " failed in that window");
    assertThat(failures).as("failures are only requests sent before the callers noticed")
        .allSatisfy(f -> {
          assertThat(f.sentNanos()).isLessThan(noticed);
          assertThat(f.doneNanos()).isGreaterThanOrEqualTo(killed);
        });
    for (SteadyLoad caller : load) {
      assertThat(caller.sentSince(noticed)).isNotEmpty()
          .allSatisfy(o -> assertThat(o.ok()).as(o.toString()).isTrue())
          .allSatisfy(o -> assertThat(o.app()).isEqualTo("reviews-1"));
    }
    // The engine's own record: the killed sidecar's node is gone (gateway, productpage,
    // reviews-1 remain).
    assertThat(mesh.engine.nodes().nodes()).hasSize(3);
  }

  // ---- helpers

  private static String allow(String... principals) {
    return """
        apiVersion: crossgate.dev/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: reviews-callers, namespace: shop}
        spec:
          targetRefs: [{kind: Service, name: reviews}]
          action: ALLOW
          rules:
            - from:
                - source:
                    principals: [%s]
        """.formatted(String.join(", ", java.util.Arrays.stream(principals)
        .map(p -> "\"" + p + "\"").toList()));
  }

  private static List<String> sorted(String... values) {
    return java.util.Arrays.stream(values).sorted().toList();
  }

  private static void stop(List<SteadyLoad> load) throws InterruptedException {
    for (SteadyLoad caller : load) {
      caller.stop();
    }
  }

  private static void assertNoFailures(List<SteadyLoad> load) {
    for (SteadyLoad caller : load) {
      assertThat(caller.outcomes()).as(caller.caller()).isNotEmpty();
      assertThat(caller.failures().size()).as(caller.summary()).isZero();
    }
  }

  private static void report(String what, List<SteadyLoad> load, String detail) {
    StringBuilder line = new StringBuilder("mesh e2e, " + what + ": " + detail);
    for (SteadyLoad caller : load) {
      line.append("; ").append(caller.caller()).append(' ').append(caller.outcomes().size())
          .append(" requests, ").append(caller.failures().size()).append(" failed, ")
          .append(caller.skipped()).append(" ticks skipped");
    }
    System.out.println(line);
  }
}
