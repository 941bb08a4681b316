package dev.crossgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./crossgate up} as a user runs it: the engine, the demo and a subscribed gateway; then
 * the CLI against it — get, apply (good and bad), status — with the config {@code up} wrote.
 */
class UpEndToEndTest {

  private static final Pattern GATEWAY = Pattern.compile("gateway on http://127\\.0\\.0\\.1:(\\d+)");
  private static final Pattern API = Pattern.compile("policy engine API on http://127\\.0\\.0\\.1:(\\d+)");

  @TempDir static Path state;
  static CrossgateProcess up;
  static int gatewayPort;
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    up = CrossgateProcess.start(Map.of(), "up", "--port", "0", "--admin-port", "0",
        "--api-port", "0", "--distribution-port", "0", "--https-port", "0", "--state-dir", state.toString());
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    Matcher matcher = GATEWAY.matcher("");
    while (System.nanoTime() < deadline) {
      matcher = GATEWAY.matcher(up.stdout());
      if (matcher.find()) {
        break;
      }
      Thread.sleep(100);
    }
    assertThat(matcher.find(0)).as(up.stderr()).isTrue();
    gatewayPort = Integer.parseInt(matcher.group(1));
    assertThat(API.matcher(up.stdout()).find()).isTrue();
  }

  @AfterAll
  static void stop() throws Exception {
    if (up != null) {
      assertThat(up.terminate()).as(up.stderr()).isIn(0, 143);
      up.close();
    }
  }

  private static HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + gatewayPort + path)).timeout(Duration.ofSeconds(10));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theGatewayHasAMeshIdentity() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!up.stdout().contains("Mesh identity ") && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(up.stdout()).as(up.stderr())
        .contains("Mesh identity spiffe://crossgate.local/ns/demo/sa/gateway (certificate until ");
  }

  @Test
  void servesHttpsWithTheDevelopmentCertificates() throws Exception {
    Matcher https = Pattern.compile("HTTPS on https://localhost:(\\d+)").matcher(up.stdout());
    assertThat(https.find()).as(up.stdout()).isTrue();
    Process curl = new ProcessBuilder("/usr/bin/curl", "-sS", "--max-time", "10", "--cacert",
        state.resolve("certs").resolve("ca.pem").toString(), "-o", "/dev/null", "-w",
        "%{http_code} %{http_version}", "https://localhost:" + https.group(1) + "/catalog/items")
        .redirectErrorStream(true).start();
    assertThat(curl.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(new String(curl.getInputStream().readAllBytes())).isEqualTo("200 2");
  }

  private static CrossgateProcess cli(String... args) throws Exception {
    return CrossgateProcess.start(Map.of("CROSSGATE_CONFIG_FILE",
        state.resolve("config").toString()), args);
  }

  private static void eventually(ThrowingCheck check) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      try {
        check.run();
        return;
      } catch (AssertionError | Exception e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  private interface ThrowingCheck {
    void run() throws Exception;
  }

  @Test
  void servesTheDemoAndTheCliSeesTheEngine() throws Exception {
    eventually(() -> assertThat(get("/catalog/items").body()).contains("\"app\" : \"catalog-"));
    try (CrossgateProcess get = cli("get", "routes")) {
      assertThat(get.awaitExit()).as(get.stderr()).isZero();
      assertThat(get.stdout()).contains("catalog").contains("orders");
    }
  }

  @Test
  void anAppliedChangeReachesTheGatewayAndABadOneChangesNothing() throws Exception {
    eventually(() -> assertThat(get("/orders", "x-version", "v2").body())
        .contains("orders-v2"));
    Path change = state.resolve("dead-endpoint.yaml");
    Files.writeString(change, """
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: orders-v2, namespace: demo}
        spec:
          endpoints: [{address: 127.0.0.1, port: 1}]
        """);
    try (CrossgateProcess apply = cli("apply", "-f", change.toString(), "-m", "dead endpoint")) {
      assertThat(apply.awaitExit()).as(apply.stderr()).isZero();
    }
    eventually(() -> {
      HttpResponse<String> response = get("/orders", "x-version", "v2");
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.headers().firstValue("x-crossgate-error"))
          .hasValue("upstream_unavailable");
    });
    try (CrossgateProcess status = cli("status")) {
      assertThat(status.awaitExit()).as(status.stderr()).isZero();
      assertThat(status.stdout()).contains("applied by 1/1 gateways");
    }

    Path bad = state.resolve("bad.yaml");
    Files.writeString(bad, """
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: orders-v2, namespace: demo}
        spec:
          endpoints: [{address: 127.0.0.1, port: 70000}]
        """);
    try (CrossgateProcess apply = cli("apply", "-f", bad.toString())) {
      assertThat(apply.awaitExit()).isEqualTo(1);
      assertThat(apply.stderr() + apply.stdout())
          .contains("bad.yaml:5: Service demo/orders-v2: spec.endpoints[0].port: 70000");
    }
    assertThat(get("/orders", "x-version", "v2").statusCode()).isEqualTo(503);
  }
}
