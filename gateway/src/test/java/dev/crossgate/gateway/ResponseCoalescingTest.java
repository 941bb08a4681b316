package dev.crossgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.testkit.BackendExtension;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small responses of announced length are held until their end and written in one go; the
 * client must still get every byte, in order, with the backend's length, whatever chunks the
 * backend sent them in and however long it paused between them.
 */
class ResponseCoalescingTest {

  @RegisterExtension static final BackendExtension APP = new BackendExtension("app");

  @TempDir static Path dir;
  static GatewayFixture gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = GatewayFixture.start(dir, Yaml.GATEWAY + Yaml.service("app", APP.port())
        + Yaml.prefixRoute("app", "/app", "[{name: app}]"));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  /** Has the backend answer {@code parts} with content-length, one part every 20 ms. */
  private static void answerInParts(String... parts) {
    APP.backend().behave(request -> {
      HttpServerResponse response = request.response();
      response.putHeader("content-length", String.valueOf(String.join("", parts).length()));
      response.putHeader("x-parts", String.valueOf(parts.length));
      Vertx vertx = io.vertx.core.Vertx.currentContext().owner();
      writeFrom(vertx, response, parts, 0);
    });
  }

  private static void writeFrom(Vertx vertx, HttpServerResponse response, String[] parts,
      int index) {
    if (index == parts.length) {
      response.end();
      return;
    }
    response.write(parts[index]);
    vertx.setTimer(20, id -> writeFrom(vertx, response, parts, index + 1));
  }

  @Test
  void aSmallBodyInPausedChunksArrivesWholeWithItsLength() throws Exception {
    answerInParts("first-", "second-", "third");
    HttpResponse<String> response = gateway.get("/app/small");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("first-second-third");
    assertThat(response.headers().firstValue("content-length")).hasValue("18");
    assertThat(response.headers().firstValue("x-parts")).hasValue("3");
  }

  @Test
  void aBodyOverTheLimitStreamsWhole() throws Exception {
    String part = "x".repeat(10_000);
    answerInParts(part, part.replace('x', 'y'), part.replace('x', 'z')); // 30,000 bytes
    HttpResponse<String> response = gateway.get("/app/large");
    assertThat(response.body()).hasSize(30_000)
        .startsWith("x").contains("xy").contains("yz").endsWith("z");
    assertThat(response.headers().firstValue("content-length")).hasValue("30000");
  }

  @Test
  void aHeadAnswerKeepsTheAnnouncedLengthAndHasNoBody() throws Exception {
    APP.backend().behave(request -> request.response().putHeader("content-length", "42").end());
    HttpResponse<String> response = gateway.http.send(HttpRequest.newBuilder(
            gateway.uri("/app/head")).method("HEAD", HttpRequest.BodyPublishers.noBody())
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-length")).hasValue("42");
    assertThat(response.body()).isEmpty();
  }
}
