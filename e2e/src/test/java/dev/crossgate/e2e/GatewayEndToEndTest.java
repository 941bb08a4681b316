package dev.crossgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.testkit.BackendBehaviors;
import dev.crossgate.testkit.BackendExtension;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts {@code ./crossgate gateway --config FILE} in its own JVM with a 64 MiB heap and sends
 * real traffic through it, including 1 GiB each way to show bodies stream with bounded memory.
 */
class GatewayEndToEndTest {

  private static final long ONE_GIB = 1L << 30;

  @RegisterExtension static final BackendExtension APP = new BackendExtension("app");

  @TempDir static Path dir;
  static CrossgateProcess gateway;
  static int port;
  static int adminPort;

  @BeforeAll
  static void start() throws Exception {
    Path config = dir.resolve("gateway.yaml");
    Files.writeString(config, """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: edge}
        spec:
          listeners: [{name: http, port: 8080, protocol: HTTP}]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: app}
        spec:
          endpoints: [{address: 127.0.0.1, port: %d}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: app}
        spec:
          parentRefs: [{name: edge}]
          rules: [{backendRefs: [{name: app}]}]
        """.formatted(APP.port()));
    gateway = CrossgateProcess.start(Map.of("JAVA_OPTS", "-Xmx64m -XX:MaxDirectMemorySize=64m"),
        "gateway", "--config", config.toString(), "--port", "0", "--admin-port", "0",
        "--access-log", "off",
        // Room for the 1 GiB streamed upload; the default limit (64 MiB) counts chunked bodies.
        "--max-body-size", String.valueOf(2 * ONE_GIB));
    int[] ports = gateway.awaitServing();
    port = ports[0];
    adminPort = ports[1];
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      assertThat(gateway.terminate()).as(gateway.stderr()).isIn(0, 143);
      gateway.close();
    }
  }

  private static HttpURLConnection open(String path) throws Exception {
    HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + port
        + path).toURL().openConnection();
    connection.setConnectTimeout(5000);
    connection.setReadTimeout(60_000);
    return connection;
  }

  @Test
  void routesARequest() throws Exception {
    HttpURLConnection connection = open("/hello?x=1");
    assertThat(connection.getResponseCode()).isEqualTo(200);
    JsonObject echo = new JsonObject(new String(connection.getInputStream().readAllBytes(),
        StandardCharsets.UTF_8));
    assertThat(echo.getString("uri")).isEqualTo("/hello?x=1");
    assertThat(connection.getHeaderField("x-request-id")).isNotBlank();
  }

  @Test
  void streamsAOneGibDownloadWithASmallHeap() throws Exception {
    APP.backend().behave(BackendBehaviors.download(ONE_GIB));
    HttpURLConnection connection = open("/big");
    assertThat(connection.getResponseCode()).isEqualTo(200);
    long total = 0;
    byte[] buffer = new byte[256 * 1024];
    try (InputStream in = connection.getInputStream()) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        total += n;
      }
    }
    assertThat(total).isEqualTo(ONE_GIB);
  }

  @Test
  void streamsAOneGibUploadWithASmallHeap() throws Exception {
    HttpURLConnection connection = open("/upload");
    connection.setRequestMethod("POST");
    connection.setDoOutput(true);
    connection.setChunkedStreamingMode(64 * 1024);
    byte[] chunk = new byte[256 * 1024];
    try (OutputStream out = connection.getOutputStream()) {
      for (long sent = 0; sent < ONE_GIB; sent += chunk.length) {
        out.write(chunk);
      }
    }
    assertThat(connection.getResponseCode()).isEqualTo(200);
    JsonObject echo = new JsonObject(new String(connection.getInputStream().readAllBytes(),
        StandardCharsets.UTF_8));
    assertThat(echo.getLong("bodyBytes")).isEqualTo(ONE_GIB);
  }

  @Test
  void adminReportsReadyAndTheRunningConfig() throws Exception {
    HttpURLConnection ready = (HttpURLConnection) URI.create("http://127.0.0.1:" + adminPort
        + "/ready").toURL().openConnection();
    assertThat(ready.getResponseCode()).isEqualTo(200);
    HttpURLConnection dump = (HttpURLConnection) URI.create("http://127.0.0.1:" + adminPort
        + "/config_dump").toURL().openConnection();
    JsonObject body = new JsonObject(new String(dump.getInputStream().readAllBytes(),
        StandardCharsets.UTF_8));
    assertThat(body.getString("gateway")).isEqualTo("default/edge");
    assertThat(body.getJsonArray("resources")).hasSize(3);
  }
}
