package dev.crossgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.testkit.BackendBehaviors;
import dev.crossgate.testkit.BackendExtension;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Misbehaving backends and malformed requests: every failure is a reasoned problem response. */
class GatewayFailureTest {

  @RegisterExtension static final BackendExtension SICK = new BackendExtension("sick");

  @TempDir static Path dir;
  static GatewayFixture gateway;
  static int closedPort;
  static java.net.Socket deadSocket;

  @BeforeAll
  static void start() throws Exception {
    // held bound but not listening: connects are refused, and no other socket can take the port
    deadSocket = new java.net.Socket();
    deadSocket.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
    closedPort = deadSocket.getLocalPort();
    gateway = GatewayFixture.start(dir, Yaml.GATEWAY
        + Yaml.service("sick", SICK.port())
        + Yaml.service("down", closedPort)
        + Yaml.prefixRoute("sick", "/sick", "[{name: sick}]")
        + Yaml.prefixRoute("down", "/down", "[{name: down}]")
        + """
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: unresolvable}
        spec:
          endpoints: [{address: nowhere.invalid, port: 80}]
        """
        + Yaml.prefixRoute("unresolvable", "/unresolvable", "[{name: unresolvable}]"),
        Duration.ofMillis(500));
  }

  @AfterAll
  static void stop() throws Exception {
    deadSocket.close();
    gateway.close();
  }

  private static void assertProblem(HttpResponse<String> response, int status, String reason) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("x-crossgate-error")).hasValue(reason);
    assertThat(response.headers().firstValue("content-type"))
        .hasValue("application/problem+json");
    assertThat(new JsonObject(response.body()).getString("reason")).isEqualTo(reason);
  }

  @Test
  void refusedConnectionIsUpstreamUnavailable() throws Exception {
    HttpResponse<String> response = gateway.get("/down");
    assertProblem(response, 503, "upstream_unavailable");
    assertThat(new JsonObject(response.body()).getString("decidedBy"))
        .isEqualTo("HTTPRoute default/down");
  }

  @Test
  void anEndpointAddressThatDoesNotResolveIsUpstreamUnavailable() throws Exception {
    HttpResponse<String> response = gateway.get("/unresolvable");
    assertProblem(response, 503, "upstream_unavailable");
    assertThat(new JsonObject(response.body()).getString("detail"))
        .startsWith("cannot resolve the backend's address: ").contains("nowhere.invalid");
  }

  @Test
  void backendThatResetsIsUpstreamReset() throws Exception {
    SICK.backend().behave(BackendBehaviors.resetConnection());
    assertProblem(gateway.get("/sick"), 502, "upstream_reset");
  }

  @Test
  void backendThatNeverAnswersIsUpstreamTimeout() throws Exception {
    SICK.backend().behave(BackendBehaviors.neverRespond());
    assertProblem(gateway.get("/sick"), 504, "upstream_timeout");
  }

  @Test
  void backendErrorsPassThroughUntouched() throws Exception {
    SICK.backend().behave(BackendBehaviors.status(503));
    HttpResponse<String> response = gateway.get("/sick");
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).isEqualTo("status 503");
    assertThat(response.headers().firstValue("x-crossgate-error")).isEmpty();
  }

  @Test
  void hopByHopHeadersAreNotForwarded() throws Exception {
    JsonObject headers = new JsonObject(gateway.get("/sick", "connection", "x-private",
        "x-private", "1", "te", "trailers", "x-kept", "2").body()).getJsonObject("headers");
    assertThat(headers.containsKey("x-private")).isFalse();
    assertThat(headers.containsKey("te")).isFalse();
    assertThat(headers.getJsonArray("x-kept").getString(0)).isEqualTo("2");
  }

  @Test
  void pathsThatEscapeOrHideSegmentsAreRejected() throws Exception {
    String response = raw("GET /sick/%2e%2e%2Fadmin HTTP/1.1\r\nHost: a\r\n\r\n");
    assertThat(response).startsWith("HTTP/1.1 400");
    assertThat(response).contains("x-crossgate-error: bad_request");
  }

  @Test
  void dotSegmentsAreResolvedBeforeRouting() throws Exception {
    String response = raw("GET /down/../sick/x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    assertThat(response).startsWith("HTTP/1.1 200");
    assertThat(response).contains("\"backend\":\"sick\"");
  }

  @Test
  void malformedRequestLineGetsA400AndTheGatewayKeepsServing() throws Exception {
    String response = raw("GARBAGE\r\n\r\n");
    assertThat(response).matches("(?s)HTTP/1\\.[01] 400 .*");
    assertThat(response).contains("x-crossgate-error: bad_request");
    assertThat(gateway.get("/sick").statusCode()).isEqualTo(200);
  }

  @Test
  void overlongUriIsA414() throws Exception {
    String response = raw("GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: a\r\n\r\n");
    assertThat(response).contains(" 414 ").contains("x-crossgate-error: uri_too_long");
  }

  @Test
  void oversizedHeadersAreA431() throws Exception {
    String response = raw("GET /sick HTTP/1.1\r\nHost: a\r\nx-big: " + "b".repeat(40_000)
        + "\r\n\r\n");
    assertThat(response).contains(" 431 ").contains("x-crossgate-error: headers_too_large");
  }

  @Test
  void requestsAreCountedInMetricsAndAccessLog() throws Exception {
    gateway.get("/down");
    // counted once the response is written, so the scrape may race it
    Eventually.untilPasses(() -> assertThat(gateway.admin("/metrics").body()).contains(
        "crossgate_requests_total{backend=\"default/down\","
        + "route=\"default/down\",status_class=\"5xx\"}"));
    // the first line of route default/down (other tests' requests are logged too)
    Eventually.untilPasses(() -> assertThat(downEntry()).isPresent());
    JsonObject entry = downEntry().orElseThrow();
    assertThat(entry.encode()).contains("upstream_unavailable");
    assertThat(entry.getString("route")).isEqualTo("default/down");
    assertThat(entry.getString("backend")).isEqualTo("default/down");
    assertThat(entry.getString("endpoint")).isEqualTo("127.0.0.1:" + closedPort);
    assertThat(entry.getInteger("status")).isEqualTo(503);
    assertThat(entry.getString("request_id")).isNotBlank();
  }

  private static java.util.Optional<JsonObject> downEntry() {
    return gateway.accessLogText().lines().map(JsonObject::new)
        .filter(entry -> "default/down".equals(entry.getString("route"))).findFirst();
  }

  private static String raw(String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", gateway.server.port("http"))) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[16 * 1024];
      StringBuilder text = new StringBuilder();
      int n;
      while ((n = in.read(buffer)) > 0) {
        text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
        if (text.indexOf("\r\n\r\n") > 0 && complete(text)) {
          break;
        }
      }
      return text.toString();
    }
  }

  private static boolean complete(StringBuilder text) {
    int headEnd = text.indexOf("\r\n\r\n");
    String head = text.substring(0, headEnd).toLowerCase();
    int at = head.indexOf("content-length:");
    if (at < 0) {
      return true;
    }
    int length = Integer.parseInt(head.substring(at + 15).split("\r\n")[0].trim());
    return text.length() - headEnd - 4 >= length;
  }
}
