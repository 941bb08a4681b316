package dev.crossgate.sidecar.outbound;

import static dev.crossgate.sidecar.outbound.MeshFixture.admin;
import static dev.crossgate.sidecar.outbound.MeshFixture.awaitDump;
import static dev.crossgate.sidecar.outbound.MeshFixture.awaitTrue;
import static dev.crossgate.sidecar.outbound.MeshFixture.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.sidecar.SidecarServer;
import dev.crossgate.testkit.BackendBehaviors;
import dev.crossgate.testkit.TestBackend;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The outbound port through the shared routing core, on loopback with the real engine: a mesh
 * route ({@code parentRefs[].kind: Service}) splitting by weight, a retry after a 503 from one
 * sidecar landing on the other, the retry budget capping a retry storm, a per-try timeout, and
 * outlier detection ejecting a failing sidecar.
 */
class OutboundResilienceTest {

  static MeshFixture mesh;
  static TestBackend appA;
  static TestBackend v1;
  static TestBackend v2;
  static TestBackend payBroken;
  static TestBackend payGood;
  static TestBackend flakyBroken;
  static TestBackend flakyGood;
  static TestBackend stormOne;
  static TestBackend stormTwo;
  static TestBackend slow;
  static SidecarServer caller;
  static SidecarServer pay1;
  static SidecarServer pay2;
  static SidecarServer flaky1;
  static SidecarServer flaky2;

  @BeforeAll
  static void start() throws Exception {
    mesh = new MeshFixture();
    appA = mesh.closing(TestBackend.start("app-a"));
    v1 = mesh.closing(TestBackend.start("v1"));
    v2 = mesh.closing(TestBackend.start("v2"));
    payBroken = mesh.closing(TestBackend.start("pay-broken"))
        .behave(BackendBehaviors.status(503));
    payGood = mesh.closing(TestBackend.start("pay-good"));
    flakyBroken = mesh.closing(TestBackend.start("flaky-broken"))
        .behave(BackendBehaviors.status(503));
    flakyGood = mesh.closing(TestBackend.start("flaky-good"));
    stormOne = mesh.closing(TestBackend.start("storm-1")).behave(BackendBehaviors.status(503));
    stormTwo = mesh.closing(TestBackend.start("storm-2")).behave(BackendBehaviors.status(503));
    slow = mesh.closing(TestBackend.start("slow"))
        .behave(BackendBehaviors.delayed(Duration.ofSeconds(10), BackendBehaviors.echo("slow")));
    mesh.apply("""
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: v1, namespace: shop}
        spec: {endpoints: [{address: 127.0.0.1, port: %d}]}
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: v2, namespace: shop}
        spec: {endpoints: [{address: 127.0.0.1, port: %d}]}
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: front, namespace: shop}
        spec: {endpoints: [{address: 127.0.0.1, port: %d}]}
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: HTTPRoute
        metadata: {name: front-split, namespace: shop}
        spec:
          parentRefs: [{kind: Service, name: front}]
          rules:
          - matches: [{path: {type: PathPrefix, value: /only-v1}}]
            backendRefs: [{name: v1}]
          - backendRefs: [{name: v1, weight: 1}, {name: v2, weight: 3}]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: pay, namespace: shop}
        spec: {endpoints: [{address: 127.0.0.1, port: %d}]}
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: HTTPRoute
        metadata: {name: pay-retry, namespace: shop}
        spec:
          parentRefs: [{kind: Service, name: pay}]
          rules:
          - backendRefs: [{name: pay}]
            retry: {attempts: 1, codes: [503], backoff: 1ms}
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: storm, namespace: shop}
        spec:
          endpoints: [{address: 127.0.0.1, port: %d}, {address: 127.0.0.1, port: %d}]
          retryBudget: {percent: 20, minRetriesPerSecond: 0}
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: HTTPRoute
        metadata: {name: storm-retry, namespace: shop}
        spec:
          parentRefs: [{kind: Service, name: storm}]
          rules:
          - backendRefs: [{name: storm}]
            retry: {attempts: 3, codes: [503], backoff: 1ms}
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: slow, namespace: shop}
        spec: {endpoints: [{address: 127.0.0.1, port: %d}]}
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: HTTPRoute
        metadata: {name: slow-timeout, namespace: shop}
        spec:
          parentRefs: [{kind: Service, name: slow}]
          rules:
          - backendRefs: [{name: slow}]
            timeouts: {backendRequest: 200ms}
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: flaky, namespace: shop}
        spec:
          endpoints: [{address: 127.0.0.1, port: %d}]
          outlierDetection: {consecutive5xx: 2, maxEjectionPercent: 50, baseEjectionTime: 60s}
        """.formatted(v1.port(), v2.port(), v1.port(), payGood.port(), stormOne.port(),
        stormTwo.port(), slow.port(), flakyGood.port()));
    caller = mesh.sidecar("a", appA.port());
    pay1 = mesh.sidecar("pay", payBroken.port());
    pay2 = mesh.sidecar("pay", payGood.port());
    flaky1 = mesh.sidecar("flaky", flakyBroken.port());
    flaky2 = mesh.sidecar("flaky", flakyGood.port());
    awaitDump(caller, inbound(pay1), inbound(pay2), inbound(flaky1), inbound(flaky2));
  }

  @AfterAll
  static void stop() {
    if (mesh != null) {
      mesh.close();
    }
  }

  static String inbound(SidecarServer sidecar) {
    return "127.0.0.1:" + sidecar.inboundPort();
  }

  @Test
  void aMeshRouteSplitsByWeightAndMatchesPaths() throws Exception {
    v1.reset();
    v2.reset();
    for (int i = 0; i < 200; i++) {
      assertThat(call(caller, "front", "/split").statusCode()).isEqualTo(200);
    }
    // weights 1:3; 200 draws put fewer on v1 than on v2 but some on each
    assertThat(v1.requests()).isNotEmpty();
    assertThat(v2.requests().size()).isGreaterThan(v1.requests().size());
    assertThat(v1.requests().size() + v2.requests().size()).isEqualTo(200);
    int before = v2.requests().size();
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> only = call(caller, "front.shop", "/only-v1/x");
      assertThat(new JsonObject(only.body()).getString("backend")).isEqualTo("v1");
    }
    assertThat(v2.requests()).hasSize(before);
  }

  @Test
  void a503FromOneSidecarIsRetriedOnTheOther() throws Exception {
    payBroken.reset();
    payBroken.behave(BackendBehaviors.status(503));
    payGood.reset();
    int sent = 0;
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    // Until the broken sidecar has been tried (bursts: see MeshFixture.burst).
    while (payBroken.requests().isEmpty() || sent < 30) {
      assertThat(System.nanoTime()).as("the broken sidecar tried within 30 s").isLessThan(deadline);
      for (HttpResponse<String> response : MeshFixture.burst(caller, "pay", "/charge", 16)) {
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(response.body()).getString("backend")).isEqualTo("pay-good");
      }
      sent += 16;
    }
    // The broken sidecar was tried (and its 503 retried), never answered the app.
    assertThat(payBroken.requests()).isNotEmpty();
    assertThat(payGood.requests()).hasSize(sent);
    assertThat(payGood.requests().get(0).headers().get("x-crossgate-peer"))
        .containsExactly("spiffe://crossgate.local/ns/shop/sa/a");
    assertThat(admin(caller, "/metrics"))
        .containsPattern("crossgate_retries_total\\{backend=\"shop/pay@mesh\",result=\"retried\"}");
  }

  @Test
  void theRetryBudgetStopsARetryStorm() throws Exception {
    stormOne.reset();
    stormOne.behave(BackendBehaviors.status(503));
    stormTwo.reset();
    stormTwo.behave(BackendBehaviors.status(503));
    for (int i = 0; i < 20; i++) {
      assertThat(call(caller, "storm", "/").statusCode()).isEqualTo(503);
    }
    int attempts = stormOne.requests().size() + stormTwo.requests().size();
    // Without a budget: 4 attempts each (80). With 20 % of 20 requests: at most 4 retries.
    assertThat(attempts).isBetween(21, 24);
    assertThat(admin(caller, "/metrics")).containsPattern(
        "crossgate_retries_total\\{backend=\"shop/storm\",result=\"budget_exhausted\"} [1-9]");
  }

  @Test
  void aPerTryTimeoutAnswersUpstreamTimeout() throws Exception {
    HttpResponse<String> response = call(caller, "slow", "/");
    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(response.headers().firstValue("x-crossgate-error")).hasValue("upstream_timeout");
    assertThat(response.body()).contains("backendRequest timeout of 200 ms");
  }

  @Test
  void aFailingSidecarIsEjected() throws Exception {
    awaitTrue(() -> {
      try {
        MeshFixture.burst(caller, "flaky", "/", 16);
        return admin(caller, "/metrics").contains(
            "crossgate_outlier_ejections_total{backend=\"shop/flaky@mesh\"");
      } catch (Exception e) {
        return false;
      }
    }, "an ejection of a flaky sidecar");
    String metrics = admin(caller, "/metrics");
    Matcher ejected = Pattern.compile(
        "crossgate_outlier_ejections_total\\{backend=\"shop/flaky@mesh\",[^}]*endpoint=\"([^\"]+)\"")
        .matcher(metrics);
    assertThat(ejected.find()).as(metrics).isTrue();
    assertThat(ejected.group(1)).isEqualTo(inbound(flaky1));
    int brokenSeen = flakyBroken.requests().size();
    for (int i = 0; i < 20; i++) {
      assertThat(call(caller, "flaky", "/").statusCode()).isEqualTo(200);
    }
    assertThat(flakyBroken.requests()).hasSize(brokenSeen);
  }
}
