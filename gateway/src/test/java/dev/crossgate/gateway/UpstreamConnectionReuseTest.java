package dev.crossgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.routing.upstream.UpstreamClient;
import dev.crossgate.testkit.BackendBehaviors;
import dev.crossgate.testkit.BackendExtension;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the gateway does with a pooled upstream connection that cannot carry the next request.
 * One connection per endpoint, so every request reuses the previous one's connection or waits
 * for it.
 */
class UpstreamConnectionReuseTest {

  @RegisterExtension static final BackendExtension APP = new BackendExtension("app");

  @TempDir static Path dir;
  static GatewayFixture gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = GatewayFixture.start(dir, Yaml.GATEWAY + Yaml.service("app", APP.port())
            + Yaml.prefixRoute("app", "/app", "[{name: app}]"), Duration.ofSeconds(30),
        options -> options.withUpstream(new UpstreamClient.Settings(Duration.ofSeconds(5),
            Duration.ofSeconds(30), 1)));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  /**
   * After a backend rejects a request early (its body never sent), the upstream connection is
   * closed, never handed to the next request: the backend still waits for that body.
   */
  @Test
  void afterAnEarlyRejectionTheNextRequestGetsAFreshConnection() throws Exception {
    AtomicReference<HttpServerRequest> held = new AtomicReference<>();
    AtomicReference<Context> heldOn = new AtomicReference<>();
    var echo = BackendBehaviors.echo("app");
    APP.backend().behave(request -> {
      if (request.path().equals("/app/upload")) {
        heldOn.set(Vertx.currentContext());
        held.set(request); // answered once the next request waits for this connection
      } else {
        echo.handle(request);
      }
    });
    try (Socket socket = new Socket("127.0.0.1", gateway.server.port("http"))) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /app/upload HTTP/1.1\r\nhost: app\r\ncontent-length: 10000000\r\n"
          + "expect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Eventually.until("the backend holds the upload", () -> held.get() != null);

      // a POST with a body: never resent, so only a connection of its own lets it through
      CompletableFuture<HttpResponse<String>> after = gateway.http.sendAsync(
          HttpRequest.newBuilder(gateway.uri("/app/after")).timeout(Duration.ofSeconds(30))
              .POST(HttpRequest.BodyPublishers.ofString("next")).build(),
          HttpResponse.BodyHandlers.ofString());
      Eventually.until("the next request waits for the only connection",
          () -> activeRequests() == 2);

      heldOn.get().runOnContext(v -> held.get().response().setStatusCode(413).end("too big"));
      String answer = new String(socket.getInputStream().readAllBytes(),
          StandardCharsets.ISO_8859_1);
      assertThat(answer).startsWith("HTTP/1.1 413 ").endsWith("too big");

      HttpResponse<String> next = after.get(60, TimeUnit.SECONDS);
      assertThat(next.statusCode()).as("the next request: %s", next.body()).isEqualTo(200);
    }
    assertThat(APP.backend().requests()).extracting(r -> r.uri())
        .containsExactly("/app/upload", "/app/after");
  }

  /** The requests the gateway has started toward the backend's endpoints. */
  private static double activeRequests() throws Exception {
    return gateway.admin("/metrics").body().lines()
        .filter(line -> line.startsWith("crossgate_endpoint_active_requests{"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  /**
   * A keep-alive connection the backend closes just as it is reused: an idempotent request
   * without a body is sent once more on a fresh connection; a POST is not.
   */
  @Test
  void anIdempotentRequestIsResentWhenItsReusedConnectionCloses() throws Exception {
    Map<HttpConnection, AtomicInteger> served = new ConcurrentHashMap<>();
    var echo = BackendBehaviors.echo("app");
    APP.backend().behave(request -> {
      int nth = served.computeIfAbsent(request.connection(), c -> new AtomicInteger())
          .incrementAndGet();
      if (nth == 2) {
        request.connection().close(); // the second request on a connection finds it closing
      } else {
        echo.handle(request);
      }
    });
    assertThat(gateway.get("/app/first").statusCode()).isEqualTo(200);

    HttpResponse<String> second = gateway.get("/app/second");
    assertThat(second.statusCode()).as("resent: %s", second.body()).isEqualTo(200);

    HttpResponse<String> post = gateway.http.send(HttpRequest.newBuilder(
            gateway.uri("/app/third")).timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString("once")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).as(post.body()).isEqualTo(502);
    assertThat(post.headers().firstValue("x-crossgate-error")).hasValue("upstream_reset");
    assertThat(APP.backend().requests()).extracting(r -> r.uri())
        .containsExactly("/app/first", "/app/second", "/app/second", "/app/third");
  }
}
