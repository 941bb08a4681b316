package dev.crossgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.routing.config.ListenerSettings;
import dev.crossgate.routing.upstream.UpstreamClient;
import dev.crossgate.testkit.BackendExtension;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code Expect: 100-continue}, request and response header limits. */
class HttpEdgeCasesTest {

  @RegisterExtension static final BackendExtension APP = new BackendExtension("app");

  @TempDir static Path dir;
  static GatewayFixture gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = GatewayFixture.start(dir, Yaml.GATEWAY + Yaml.service("app", APP.port())
            + Yaml.prefixRoute("app", "/app", "[{name: app}]"), Duration.ofSeconds(5),
        options -> options.withListener(ListenerSettings.defaults().withMaxHeaderSize(48 * 1024))
            .withUpstream(new UpstreamClient.Settings(Duration.ofSeconds(2),
                Duration.ofSeconds(5), 16, 16 * 1024)));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void continueFromTheBackendIsRelayed() throws Exception {
    AtomicLong received = new AtomicLong();
    APP.backend().behave(request -> {
      request.response().writeContinue();
      request.handler(chunk -> received.addAndGet(chunk.length()));
      request.endHandler(v -> request.response().end("got " + received.get()));
    });
    try (Socket socket = new Socket("127.0.0.1", gateway.server.port("http"))) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /app/upload HTTP/1.1\r\nhost: app\r\ncontent-length: 10\r\n"
          + "expect: 100-continue\r\nconnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      var in = socket.getInputStream();
      byte[] interim = in.readNBytes("HTTP/1.1 100 Continue\r\n\r\n".length());
      assertThat(new String(interim, StandardCharsets.US_ASCII))
          .isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
      out.write("0123456789".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String rest = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(rest).startsWith("HTTP/1.1 200 ").endsWith("got 10");
    }
    assertThat(APP.backend().requests().get(0).header("expect")).isEqualTo("100-continue");
  }

  /**
   * Sends only the head of a request that expects 100-continue, and returns what the gateway
   * answers before any body byte is sent. (A raw socket: the JDK client of Java 17 waits
   * forever when the answer to an expectation is a final status.)
   */
  private static String headOnlyExpectingContinue(int contentLength) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", gateway.server.port("http"))) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /app/upload HTTP/1.1\r\nhost: app\r\ncontent-length: " + contentLength
          + "\r\nexpect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void earlyRejectionReachesTheClientBeforeItSendsTheBody() throws Exception {
    AtomicLong received = new AtomicLong();
    APP.backend().behave(request -> {
      request.handler(chunk -> received.addAndGet(chunk.length()));
      request.response().setStatusCode(417).end("no thanks");
    });
    String answer = headOnlyExpectingContinue(100_000);
    assertThat(answer).startsWith("HTTP/1.1 417 ").contains("connection: close")
        .endsWith("no thanks").doesNotContain("100 Continue");
    assertThat(received.get()).isZero();
  }

  @Test
  void tooLargeEarlyRejectionIsRelayed() throws Exception {
    APP.backend().behave(request -> request.response().setStatusCode(413).end("too big"));
    assertThat(headOnlyExpectingContinue(10_000_000)).startsWith("HTTP/1.1 413 ")
        .endsWith("too big");
    APP.backend().reset();
    HttpResponse<String> after = gateway.get("/app/after");
    assertThat(after.statusCode()).as("the next request: %s", after.body()).isEqualTo(200);
  }

  @Test
  void requestHeadersWithinTheConfiguredLimitPass() throws Exception {
    HttpResponse<String> response = gateway.get("/app/big", "x-big", "v".repeat(40 * 1024));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(response.body()).getJsonObject("headers")
        .getJsonArray("x-big").getString(0)).hasSize(40 * 1024);
  }

  @Test
  void requestHeadersOverTheConfiguredLimitAre431() throws Exception {
    HttpResponse<String> response = gateway.get("/app/big", "x-big", "v".repeat(60 * 1024));
    assertThat(response.statusCode()).isEqualTo(431);
    assertThat(response.headers().firstValue("x-crossgate-error"))
        .hasValue("headers_too_large");
  }

  @Test
  void responseHeadersOverTheUpstreamLimitAre502() throws Exception {
    APP.backend().behave(request -> request.response().putHeader("x-huge",
        "h".repeat(20 * 1024)).end("hidden"));
    HttpResponse<String> response = gateway.get("/app/huge");
    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.headers().firstValue("x-crossgate-error"))
        .hasValue("upstream_protocol_error");
  }
}
