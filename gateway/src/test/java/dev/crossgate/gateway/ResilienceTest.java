package dev.crossgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.testkit.BackendBehaviors;
import dev.crossgate.testkit.BackendExtension;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Timeouts, retries, retry budgets, outlier detection, health checks, pool overflow and circuit
 * breaking through a real gateway, with loopback backends misbehaving on purpose. Each test
 * asserts what the client sees and the metric that counts it; none depends on speed.
 */
class ResilienceTest {

  @RegisterExtension static final BackendExtension A = new BackendExtension("a");
  @RegisterExtension static final BackendExtension B = new BackendExtension("b");

  @TempDir Path dir;
  GatewayFixture gateway;

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private static String service(String name, String extra, int... ports) {
    return Yaml.service(name, ports) + extra.indent(2);
  }

  private static String route(String prefix, String backend, String extra) {
    return """
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: r}
        spec:
          parentRefs: [{name: edge}]
          rules:
            - matches: [{path: {type: PathPrefix, value: %s}}]
              backendRefs: [{name: %s}]
        %s""".formatted(prefix, backend, extra.indent(6));
  }

  private void start(String yaml) throws Exception {
    gateway = GatewayFixture.start(dir, Yaml.GATEWAY + yaml);
  }

  private static void assertProblem(HttpResponse<String> response, int status, String reason) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("x-crossgate-error")).hasValue(reason);
    assertThat(new JsonObject(response.body()).getString("reason")).isEqualTo(reason);
  }

  @Test
  void retriesListedCodesOnAnotherEndpoint() throws Exception {
    A.backend().behave(BackendBehaviors.status(503));
    start(service("flaky", "", A.port(), B.port())
        + route("/", "flaky", "retry: {codes: [503], attempts: 2, backoff: 1ms}"));
    for (int i = 0; i < 6; i++) {
      HttpResponse<String> response = gateway.get("/x");
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(new JsonObject(response.body()).getString("backend")).isEqualTo("b");
    }
    assertThat(A.backend().requests()).isNotEmpty();
    assertThat(gateway.metric(
        "crossgate_retries_total{backend=\"default/flaky\",result=\"retried\"}"))
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void smallPostBodiesAreBufferedAndReplayed() throws Exception {
    A.backend().behave(BackendBehaviors.status(503));
    start(service("flaky", "", A.port(), B.port())
        + route("/", "flaky", "retry: {codes: [503], attempts: 1, backoff: 1ms}"));
    for (int i = 0; i < 4; i++) {
      HttpResponse<String> response = gateway.http.send(HttpRequest.newBuilder(
              gateway.uri("/upload")).timeout(Duration.ofSeconds(20))
              .POST(HttpRequest.BodyPublishers.ofString("x".repeat(1000))).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(new JsonObject(response.body()).getLong("bodyBytes")).isEqualTo(1000);
    }
  }

  @Test
  void exhaustedRetryBudgetPassesTheBackendAnswerThrough() throws Exception {
    A.backend().behave(BackendBehaviors.status(503));
    start(service("stingy", "retryBudget: {percent: 0, minRetriesPerSecond: 0}", A.port())
        + route("/", "stingy", "retry: {codes: [503], attempts: 3, backoff: 1ms}"));
    HttpResponse<String> response = gateway.get("/x");
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("x-crossgate-error")).isEmpty();
    assertThat(A.backend().requests()).hasSize(1);
    assertThat(gateway.metric(
        "crossgate_retries_total{backend=\"default/stingy\",result=\"budget_exhausted\"}"))
        .isEqualTo(1);
  }

  @Test
  void requestTimeoutCoversTheWholeExchange() throws Exception {
    A.backend().behave(BackendBehaviors.neverRespond());
    start(service("stuck", "", A.port())
        + route("/", "stuck", "timeouts: {request: 300ms}"));
    HttpResponse<String> response = gateway.get("/x");
    assertProblem(response, 504, "upstream_timeout");
    assertThat(new JsonObject(response.body()).getString("detail")).contains("request timeout");
    assertThat(gateway.metric("crossgate_proxy_errors_total{reason=\"upstream_timeout\"}"))
        .isEqualTo(1);
  }

  @Test
  void backendRequestTimeoutIsPerAttemptAndRetried() throws Exception {
    A.backend().behave(BackendBehaviors.neverRespond());
    start(service("half", "", A.port(), B.port())
        + route("/", "half", """
            timeouts: {request: 20s, backendRequest: 200ms}
            retry: {codes: [504], attempts: 1, backoff: 1ms}"""));
    for (int i = 0; i < 4; i++) {
      HttpResponse<String> response = gateway.get("/x");
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }
    assertThat(gateway.metric(
        "crossgate_retries_total{backend=\"default/half\",result=\"retried\"}"))
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void consecutiveErrorsEjectAnEndpoint() throws Exception {
    A.backend().behave(BackendBehaviors.status(500));
    start(service("sick", """
        outlierDetection:
          consecutive5xx: 2
          baseEjectionTime: 10m
          maxEjectionPercent: 50""", A.port(), B.port())
        + route("/", "sick", ""));
    String ejections = "crossgate_outlier_ejections_total{backend=\"default/sick\",endpoint=\"127.0.0.1:"
        + A.port() + "\"}";
    Eventually.untilPasses(() -> {
      gateway.get("/x");
      assertThat(gateway.metric(ejections)).isEqualTo(1);
    });
    for (int i = 0; i < 6; i++) {
      HttpResponse<String> response = gateway.get("/x");
      assertThat(response.statusCode()).isEqualTo(200);
    }
    assertThat(gateway.metric(
        "crossgate_outlier_ejected_endpoints{backend=\"default/sick\"}")).isEqualTo(1);
  }

  @Test
  void unhealthyEndpointsLeaveTheBalancer() throws Exception {
    A.backend().behave(BackendBehaviors.byPath("/healthz", BackendBehaviors.status(503),
        BackendBehaviors.echo("a")));
    start(service("checked", """
        healthCheck: {path: /healthz, interval: 300ms, timeout: 250ms, healthyThreshold: 1,
          unhealthyThreshold: 2}""", A.port(), B.port())
        + route("/", "checked", ""));
    String gauge = "crossgate_endpoint_healthy{backend=\"default/checked\",endpoint=\"127.0.0.1:"
        + A.port() + "\"}";
    Eventually.until("endpoint a unhealthy", () -> gateway.metric(gauge) == 0
        && gateway.admin("/metrics").body().contains(gauge));
    for (int i = 0; i < 6; i++) {
      HttpResponse<String> response = gateway.get("/x");
      assertThat(new JsonObject(response.body()).getString("backend")).isEqualTo("b");
    }
    A.backend().reset(); // healthy again
    Eventually.until("endpoint a healthy again", () -> gateway.metric(gauge) == 1);
  }

  @Test
  void allUnhealthyFailsClosedWhenAsked() throws Exception {
    A.backend().behave(BackendBehaviors.status(503));
    start(service("closed", """
        healthCheck: {path: /healthz, interval: 300ms, timeout: 250ms, unhealthyThreshold: 1,
          failOpen: false}""", A.port())
        + service("open", """
        healthCheck: {path: /healthz, interval: 300ms, timeout: 250ms, unhealthyThreshold: 1}""",
            A.port())
        + route("/closed", "closed", "")
        + route("/open", "open", "").replace("name: r}", "name: r2}"));
    Eventually.untilPasses(() -> {
      HttpResponse<String> response = gateway.get("/closed");
      assertProblem(response, 503, "upstream_unavailable");
      assertThat(new JsonObject(response.body()).getString("detail"))
          .contains("no healthy endpoints");
    });
    HttpResponse<String> open = gateway.get("/open");
    assertThat(open.statusCode()).isEqualTo(503); // the backend's own answer: failed open
    assertThat(open.headers().firstValue("x-crossgate-error")).isEmpty();
  }

  @Test
  void poolOverflowIsAnImmediate503() throws Exception {
    A.backend().behave(BackendBehaviors.delayed(Duration.ofSeconds(3),
        BackendBehaviors.echo("a")));
    start(service("small", "connectionPool: {maxConnections: 1, maxPendingRequests: 0}",
        A.port()) + route("/", "small", ""));
    var first = gateway.http.sendAsync(HttpRequest.newBuilder(gateway.uri("/first"))
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    Eventually.until("first request at the backend", () -> !A.backend().requests().isEmpty());
    HttpResponse<String> second = gateway.get("/second");
    assertProblem(second, 503, "upstream_overflow");
    assertThat(first.get().statusCode()).isEqualTo(200);
    assertThat(gateway.metric("crossgate_proxy_errors_total{reason=\"upstream_overflow\"}"))
        .isEqualTo(1);
  }

  @Test
  void circuitOpensOnErrorRateThenProbesAndCloses() throws Exception {
    A.backend().behave(BackendBehaviors.status(500));
    start(service("fragile", """
        circuitBreaker: {errorRateThreshold: 50, minimumRequests: 4, window: 10s,
          openDuration: 300ms}""", A.port())
        + route("/", "fragile", ""));
    for (int i = 0; i < 4; i++) {
      assertThat(gateway.get("/x").statusCode()).isEqualTo(500);
    }
    assertProblem(gateway.get("/x"), 503, "circuit_open");
    assertThat(gateway.metric(
        "crossgate_circuit_transitions_total{backend=\"default/fragile\",state=\"open\"}"))
        .isEqualTo(1);
    assertThat(gateway.metric("crossgate_circuit_rejected_total{backend=\"default/fragile\"}"))
        .isGreaterThanOrEqualTo(1);
    A.backend().reset();
    Eventually.untilPasses(() -> assertThat(gateway.get("/x").statusCode()).isEqualTo(200));
    Eventually.untilPasses(() -> {
      gateway.get("/x");
      assertThat(gateway.metric(
          "crossgate_circuit_transitions_total{backend=\"default/fragile\",state=\"closed\"}"))
          .isEqualTo(1);
    });
  }
}
