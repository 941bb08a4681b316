package dev.crossgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.testkit.BackendBehaviors;
import dev.crossgate.testkit.BackendExtension;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Large bodies stream through the gateway both ways, complete and unchanged. */
class StreamingTest {

  private static final long SIZE = 64L * 1024 * 1024;

  @RegisterExtension static final BackendExtension FILES = new BackendExtension("files");

  @TempDir static Path dir;
  static GatewayFixture gateway;

  @BeforeAll
  static void start() throws Exception {
    // The backend answers only after the whole 64 MiB upload; the upstream idle timeout counts
    // silence from the backend, so give a slow (shared, loaded) machine room to upload.
    gateway = GatewayFixture.start(dir, Yaml.GATEWAY + Yaml.service("files", FILES.port())
        + Yaml.prefixRoute("files", "/files", "[{name: files}]"), Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  /** Bytes 0, 1, 2, … 255, 0, 1, … generated on the fly, {@code size} of them. */
  private static InputStream generated(long size) {
    return new InputStream() {
      private long position;

      @Override
      public int read() {
        return position < size ? (int) (position++ & 0xff) : -1;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) {
        if (position >= size) {
          return -1;
        }
        int n = (int) Math.min(length, size - position);
        for (int i = 0; i < n; i++) {
          buffer[offset + i] = (byte) (position++ & 0xff);
        }
        return n;
      }
    };
  }

  private static String sha256(InputStream in) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    byte[] buffer = new byte[64 * 1024];
    int n;
    while ((n = in.read(buffer)) > 0) {
      digest.update(buffer, 0, n);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Answers with the byte count and SHA-256 of the request body, and its framing headers. */
  private static Handler<HttpServerRequest> digesting() {
    return request -> {
      MessageDigest digest;
      try {
        digest = MessageDigest.getInstance("SHA-256");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      AtomicLong bytes = new AtomicLong();
      request.handler(chunk -> {
        digest.update(chunk.getBytes());
        bytes.addAndGet(chunk.length());
      });
      request.endHandler(v -> request.response().putHeader("content-type", "application/json")
          .end(new JsonObject()
              .put("bodyBytes", bytes.get())
              .put("sha256", HexFormat.of().formatHex(digest.digest()))
              .put("transferEncoding", request.getHeader("transfer-encoding"))
              .put("contentLength", request.getHeader("content-length"))
              .encode()));
    };
  }

  private static JsonObject post(HttpRequest.BodyPublisher body) throws Exception {
    HttpResponse<String> response = gateway.http.send(HttpRequest.newBuilder(
            gateway.uri("/files/upload")).timeout(Duration.ofSeconds(60)).POST(body).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  @Test
  void chunkedUploadArrivesComplete() throws Exception {
    JsonObject echo = post(HttpRequest.BodyPublishers.ofInputStream(() -> generated(SIZE)));
    assertThat(echo.getLong("bodyBytes")).isEqualTo(SIZE);
  }

  @Test
  void chunkedUploadArrivesUnchanged() throws Exception {
    FILES.backend().behave(digesting());
    JsonObject echo = post(HttpRequest.BodyPublishers.ofInputStream(() -> generated(SIZE)));
    assertThat(echo.getLong("bodyBytes")).isEqualTo(SIZE);
    assertThat(echo.getString("transferEncoding")).isEqualToIgnoringCase("chunked");
    assertThat(echo.getString("sha256")).isEqualTo(sha256(generated(SIZE)));
  }

  @Test
  void uploadWithContentLengthArrivesUnchanged() throws Exception {
    FILES.backend().behave(digesting());
    int size = 3 * 1024 * 1024 + 17;
    byte[] body = generated(size).readAllBytes();
    JsonObject echo = post(HttpRequest.BodyPublishers.ofByteArray(body));
    assertThat(echo.getLong("bodyBytes")).isEqualTo(size);
    assertThat(echo.getString("contentLength")).isEqualTo(String.valueOf(size));
    assertThat(echo.getString("transferEncoding")).isNull();
    assertThat(echo.getString("sha256")).isEqualTo(sha256(generated(size)));
  }

  @Test
  void downloadArrivesComplete() throws Exception {
    FILES.backend().behave(BackendBehaviors.download(SIZE));
    HttpResponse<InputStream> response = gateway.http.send(HttpRequest.newBuilder(
            gateway.uri("/files/download")).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    long received = 0;
    try (InputStream in = response.body()) {
      byte[] buffer = new byte[64 * 1024];
      int n;
      while ((n = in.read(buffer)) > 0) {
        received += n;
      }
    }
    assertThat(received).isEqualTo(SIZE);
  }
}
