package dev.crossgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.testkit.BackendExtension;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/1.1 and HTTP/2 clients on the same listener port (h2c by prior knowledge and by
 * {@code Upgrade}), toward HTTP/1.1 and HTTP/2 backends, with trailers relayed.
 */
class Http2Test {

  @RegisterExtension static final BackendExtension H1 = new BackendExtension("h1");
  @RegisterExtension static final BackendExtension H2 = new BackendExtension("h2");

  @TempDir static Path dir;
  static GatewayFixture gateway;
  static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    gateway = GatewayFixture.start(dir, Yaml.GATEWAY
        + Yaml.service("h1", H1.port())
        + Yaml.service("h2", "HTTP2", H2.port())
        + Yaml.prefixRoute("h1", "/h1", "[{name: h1}]")
        + Yaml.prefixRoute("h2", "/h2", "[{name: h2}]"));
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    await(vertx.close());
    gateway.close();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static HttpClientAgent client(boolean priorKnowledge) {
    return vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(!priorKnowledge));
  }

  private record Answer(HttpVersion version, int status, JsonObject body,
      io.vertx.core.MultiMap trailers) {}

  private static Answer get(HttpClientAgent client, String path) throws Exception {
    return await(client.request(new RequestOptions().setHost("127.0.0.1")
            .setPort(gateway.server.port("http")).setURI(path).setMethod(HttpMethod.GET))
        .compose(request -> request.send())
        .compose(response -> response.body().map(body -> new Answer(response.version(),
            response.statusCode(), body.length() == 0 ? new JsonObject()
                : body.toString().startsWith("{") ? new JsonObject(body)
                : new JsonObject().put("text", body.toString()),
            response.trailers()))));
  }

  @Test
  void h2cPriorKnowledgeToHttp1Backend() throws Exception {
    Answer answer = get(client(true), "/h1/x");
    assertThat(answer.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.body().getString("version")).isEqualTo("HTTP_1_1");
    assertThat(answer.body().getJsonObject("headers").getJsonArray("host").getString(0))
        .startsWith("127.0.0.1:");
  }

  @Test
  void h2cUpgradeOnTheSamePort() throws Exception {
    HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    HttpResponse<String> first = jdk.send(HttpRequest.newBuilder(gateway.uri("/h1/up"))
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(first.statusCode()).isEqualTo(200);
    HttpResponse<String> second = jdk.send(HttpRequest.newBuilder(gateway.uri("/h1/up"))
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(second.version()).isEqualTo(HttpClient.Version.HTTP_2);
    Answer upgraded = get(client(false), "/h1/vertx-upgrade");
    assertThat(upgraded.version()).isEqualTo(HttpVersion.HTTP_2);
  }

  @Test
  void http1ClientOnTheSamePort() throws Exception {
    HttpResponse<String> response = gateway.get("/h1/plain");
    assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void http1ClientToHttp2Backend() throws Exception {
    HttpResponse<String> response = gateway.get("/h2/x", "x-Mixed-Case", "kept",
        "connection", "keep-alive");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject echo = new JsonObject(response.body());
    assertThat(echo.getString("version")).isEqualTo("HTTP_2");
    assertThat(echo.getJsonObject("headers").getJsonArray("x-mixed-case").getString(0))
        .isEqualTo("kept");
    assertThat(echo.getJsonObject("headers").containsKey("connection")).isFalse();
  }

  @Test
  void http2ClientToHttp2BackendWithBody() throws Exception {
    JsonObject echo = await(client(true).request(new RequestOptions().setHost("127.0.0.1")
            .setPort(gateway.server.port("http")).setURI("/h2/post").setMethod(HttpMethod.POST))
        .compose(request -> request.send("twelve bytes"))
        .compose(response -> response.body().map(body -> new JsonObject(body))));
    assertThat(echo.getString("version")).isEqualTo("HTTP_2");
    assertThat(echo.getLong("bodyBytes")).isEqualTo(12);
  }

  @Test
  void trailersPassThroughFromHttp1ChunkedBackend() throws Exception {
    H1.backend().behave(request -> {
      var response = request.response().setChunked(true);
      response.write("part");
      response.trailers().add("x-checksum", "abc123");
      response.end();
    });
    Answer overH2 = get(client(true), "/h1/trailers");
    assertThat(overH2.trailers().get("x-checksum")).isEqualTo("abc123");
    HttpClientAgent h1 = vertx.createHttpClient(new HttpClientOptions());
    Answer overH1 = get(h1, "/h1/trailers");
    assertThat(overH1.version()).isEqualTo(HttpVersion.HTTP_1_1);
    assertThat(overH1.trailers().get("x-checksum")).isEqualTo("abc123");
  }

  @Test
  void trailersPassThroughFromHttp2Backend() throws Exception {
    H2.backend().behave(request -> {
      var response = request.response();
      response.write("part");
      response.trailers().add("x-checksum", "h2");
      response.end();
    });
    HttpClientAgent h1 = vertx.createHttpClient(new HttpClientOptions());
    assertThat(get(h1, "/h2/trailers").trailers().get("x-checksum")).isEqualTo("h2");
  }
}
