package dev.crossgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.testkit.BackendExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The admin port: liveness, readiness, Prometheus metrics and the configuration dump. */
class AdminEndpointsTest {

  @RegisterExtension static final BackendExtension USERS = new BackendExtension("users");

  @TempDir static Path dir;
  static GatewayFixture gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = GatewayFixture.start(dir, Yaml.GATEWAY + Yaml.service("users", USERS.port())
        + Yaml.prefixRoute("users", "/users", "[{name: users}]"));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void liveIs200() throws Exception {
    HttpResponse<String> response = gateway.admin("/live");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(response.body()).getBoolean("live")).isTrue();
  }

  @Test
  void readyCarriesTheConfigSummary() throws Exception {
    HttpResponse<String> response = gateway.admin("/ready");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject body = new JsonObject(response.body());
    assertThat(body.getBoolean("ready")).isTrue();
    JsonObject config = body.getJsonObject("config");
    assertThat(config.getString("version")).isEqualTo(gateway.server.config().version());
    assertThat(config.getString("gateway")).isEqualTo("default/edge");
    assertThat(config.getString("source")).isEqualTo(gateway.configFile.toString());
    assertThat(config.getJsonObject("listeners").getJsonObject("http").getInteger("routes"))
        .isEqualTo(1);
  }

  @Test
  void metricsArePrometheusTextWithProxyAndVertxMeters() throws Exception {
    assertThat(gateway.get("/users/1").statusCode()).isEqualTo(200);
    // a request is counted when its response has been written, so the scrape may race it
    Eventually.untilPasses(() -> assertThat(gateway.admin("/metrics").body()).contains(
        "crossgate_requests_total{backend=\"default/users\",route=\"default/users\","
            + "status_class=\"2xx\"} 1.0"));
    HttpResponse<String> response = gateway.admin("/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
    assertThat(response.body())
        .contains("# TYPE crossgate_requests_total counter")
        .contains("crossgate_requests_total{backend=\"default/users\",route=\"default/users\","
            + "status_class=\"2xx\"} 1.0")
        .contains("crossgate_request_duration_seconds_bucket{backend=\"default/users\"")
        .contains("crossgate_backend_endpoints{backend=\"default/users\"} 1.0")
        .contains("crossgate_config_reloads_total{result=\"success\"}")
        .contains("crossgate_downstream_connections{listener=\"http\"}")
        .contains("jvm_memory_used_bytes")
        .doesNotContain("vertx_http_client_requests_total");
  }

  @Test
  void configDumpHasVersionSourceGatewayAndResources() throws Exception {
    HttpResponse<String> response = gateway.admin("/config_dump");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    JsonObject dump = new JsonObject(response.body());
    assertThat(dump.getString("version")).isEqualTo(gateway.server.config().version());
    assertThat(dump.getString("source")).isEqualTo(gateway.configFile.toString());
    assertThat(dump.getString("gateway")).isEqualTo("default/edge");
    JsonArray resources = dump.getJsonArray("resources");
    assertThat(resources.stream().map(r -> ((JsonObject) r).getString("kind")))
        .containsExactlyInAnyOrder("Gateway", "Service", "HTTPRoute");
  }

  @Test
  void unknownPathIsA404Problem() throws Exception {
    HttpResponse<String> response = gateway.admin("/nope");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("content-type"))
        .hasValue("application/problem+json");
    JsonObject problem = new JsonObject(response.body());
    assertThat(problem.getInteger("status")).isEqualTo(404);
    assertThat(problem.getString("detail")).startsWith("/nope");
  }

  @Test
  void postIsA405Problem() throws Exception {
    HttpResponse<String> response = gateway.http.send(HttpRequest.newBuilder(
            gateway.adminUri("/ready")).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("content-type"))
        .hasValue("application/problem+json");
    assertThat(new JsonObject(response.body()).getString("detail")).startsWith("POST");
  }
}
