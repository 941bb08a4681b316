package dev.crossgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.testkit.BackendExtension;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** RateLimitPolicy through a real gateway: 429 with its headers, problem and access log. */
class RateLimitGatewayTest {

  @RegisterExtension static final BackendExtension APP = new BackendExtension("app");

  @TempDir static Path dir;
  static GatewayFixture gateway;

  static final String POLICIES = """
      ---
      apiVersion: crossgate.dev/v1alpha1
      kind: RateLimitPolicy
      metadata: {name: per-key}
      spec:
        targetRefs: [{kind: HTTPRoute, name: keyed}]
        limits:
          - {name: per-api-key, key: {type: Header, name: x-api-key}, requests: 2, unit: Hour}
      ---
      apiVersion: crossgate.dev/v1alpha1
      kind: RateLimitPolicy
      metadata: {name: route-wide}
      spec:
        targetRefs: [{kind: HTTPRoute, name: whole}]
        limits:
          - {name: whole-route, key: {type: Route}, requests: 5, unit: Hour}
          - {name: per-api-key, key: {type: Header, name: x-api-key}, requests: 1, unit: Hour}
      ---
      apiVersion: crossgate.dev/v1alpha1
      kind: RateLimitPolicy
      metadata: {name: per-client}
      spec:
        targetRefs: [{kind: Service, name: app}]
        trustedProxies: [127.0.0.0/8]
        limits:
          - {name: per-address, key: {type: ClientAddress}, requests: 1, unit: Hour, burst: 1}
      """;

  @BeforeAll
  static void start() throws Exception {
    gateway = GatewayFixture.start(dir, Yaml.GATEWAY + Yaml.service("app", APP.port())
        + Yaml.service("other", APP.port())
        + Yaml.prefixRoute("keyed", "/keyed", "[{name: other}]")
        + Yaml.prefixRoute("whole", "/whole", "[{name: other}]")
        + Yaml.prefixRoute("byclient", "/byclient", "[{name: app}]")
        + POLICIES);
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void aHeaderKeyedLimitRefusesTheThirdRequestOfOneKeyOnly() throws Exception {
    assertThat(gateway.get("/keyed/a", "x-api-key", "alpha").statusCode()).isEqualTo(200);
    assertThat(gateway.get("/keyed/a", "x-api-key", "alpha").statusCode()).isEqualTo(200);
    HttpResponse<String> refused = gateway.get("/keyed/a", "x-api-key", "alpha");
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("x-crossgate-error")).hasValue("rate_limited");
    assertThat(refused.headers().firstValue("ratelimit-limit")).hasValue("2");
    assertThat(refused.headers().firstValue("ratelimit-remaining")).hasValue("0");
    // 2 per hour: full again in an hour, the next token in half an hour (less time spent)
    assertThat(seconds(refused, "ratelimit-reset")).isBetween(3500L, 3600L);
    assertThat(seconds(refused, "retry-after")).isBetween(1700L, 1800L);
    assertThat(refused.headers().firstValue("content-type")).hasValue("application/problem+json");
    JsonObject problem = new JsonObject(refused.body());
    assertThat(problem.getInteger("status")).isEqualTo(429);
    assertThat(problem.getString("decidedBy"))
        .isEqualTo("RateLimitPolicy default/per-key limit per-api-key");
    assertThat(problem.getString("detail")).contains("per-api-key", "2 requests per Hour");
    // another key still passes
    assertThat(gateway.get("/keyed/a", "x-api-key", "beta").statusCode()).isEqualTo(200);
    // the refusal is in the access log with its reason
    String requestId = refused.headers().firstValue("x-request-id").orElseThrow();
    awaitLogLine(requestId);
    JsonObject line = logLine(requestId).orElseThrow();
    assertThat(line.getInteger("status")).isEqualTo(429);
    assertThat(line.getString("error")).isEqualTo("rate_limited");
    // the backend never saw the refused request: 3 passed
    assertThat(APP.backend().requests().stream().filter(r -> r.uri().startsWith("/keyed/a"))
        .count()).isEqualTo(3);
  }

  @Test
  void severalLimitsApplyAndRequestsWithoutTheHeaderSkipTheHeaderLimit() throws Exception {
    // per-api-key allows 1 per key; requests without the header count for the route only
    assertThat(gateway.get("/whole/x", "x-api-key", "k1").statusCode()).isEqualTo(200);
    HttpResponse<String> second = gateway.get("/whole/x", "x-api-key", "k1");
    assertThat(second.statusCode()).isEqualTo(429);
    assertThat(new JsonObject(second.body()).getString("decidedBy"))
        .isEqualTo("RateLimitPolicy default/route-wide limit per-api-key");
    // the refused request spent a route token (limits are checked in order): 3 remain
    for (int i = 0; i < 3; i++) {
      assertThat(gateway.get("/whole/nokey").statusCode()).isEqualTo(200);
    }
    HttpResponse<String> refused = gateway.get("/whole/nokey");
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(new JsonObject(refused.body()).getString("decidedBy"))
        .isEqualTo("RateLimitPolicy default/route-wide limit whole-route");
    assertThat(refused.headers().firstValue("ratelimit-limit")).hasValue("5");
  }

  @Test
  void aClientAddressLimitFollowsForwardedForFromATrustedProxy() throws Exception {
    // the test client connects from 127.0.0.1, a trusted proxy: the forwarded client counts
    for (int i = 0; i < 2; i++) {
      assertThat(gateway.get("/byclient/x", "x-forwarded-for", "198.51.100.7").statusCode())
          .isEqualTo(200);
    }
    HttpResponse<String> refused = gateway.get("/byclient/x", "x-forwarded-for",
        "198.51.100.7");
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("ratelimit-limit")).hasValue("2");
    // 1 per hour: the next token is an hour away
    assertThat(seconds(refused, "retry-after")).isBetween(3500L, 3600L);
    assertThat(gateway.get("/byclient/x", "x-forwarded-for", "198.51.100.8").statusCode())
        .isEqualTo(200);
  }

  private static long seconds(HttpResponse<String> response, String header) {
    return Long.parseLong(response.headers().firstValue(header).orElseThrow());
  }

  private static Optional<JsonObject> logLine(String requestId) {
    return gateway.accessLogText().lines().map(JsonObject::new)
        .filter(json -> requestId.equals(json.getString("request_id"))).findFirst();
  }

  private static void awaitLogLine(String requestId) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (logLine(requestId).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }
}
