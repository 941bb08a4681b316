package dev.crossgate.gateway;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trailers on chunked HTTP/1.1, both ways through the gateway: the client's request trailers
 * reach the backend, and the backend's response trailers reach the client. Both ends are plain
 * sockets speaking HTTP/1.1 by hand, since Vert.x 5's server request does not expose trailers.
 */
class ChunkedTrailersTest {

  @TempDir static Path dir;
  static GatewayFixture gateway;
  static ServerSocket backend;
  static final Map<String, String> seen = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread thread = new Thread(ChunkedTrailersTest::serveOne, "chunked-backend");
    thread.setDaemon(true);
    thread.start();
    gateway = GatewayFixture.start(dir, Yaml.GATEWAY + Yaml.service("app", backend.getLocalPort())
        + Yaml.prefixRoute("app", "/", "[{name: app}]"));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    backend.close();
  }

  /**
   * The backend: reads one chunked request up to the end of its trailer section, records the
   * first chunk and the whole request text, then answers a chunked response with a trailer.
   */
  private static void serveOne() {
    try (Socket socket = backend.accept()) {
      socket.setSoTimeout(20_000);
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      while (true) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        received.write(b);
        String text = received.toString(US_ASCII);
        int head = text.indexOf("\r\n\r\n");
        if (head >= 0 && text.indexOf("hello", head) >= 0) {
          seen.putIfAbsent("firstChunk", "hello");
        }
        int last = head < 0 ? -1 : text.indexOf("\r\n0\r\n", head);
        if (last >= 0 && text.indexOf("\r\n\r\n", last + 2) >= 0) {
          seen.put("request", text);
          break;
        }
      }
      socket.getOutputStream().write(("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n"
          + "trailer: x-checksum\r\n\r\n9\r\nbody part\r\n0\r\nx-checksum: abc123\r\n\r\n")
          .getBytes(US_ASCII));
      socket.getOutputStream().flush();
      socket.getInputStream().read(); // until the gateway closes or times out
    } catch (Exception e) {
      seen.put("failure", e.toString());
    }
  }

  /** Reads one chunked HTTP/1.1 response, through its last chunk and trailer section. */
  private static String readChunkedResponse(InputStream in) throws Exception {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      received.write(b);
      String text = received.toString(US_ASCII);
      int last = text.indexOf("\r\n0\r\n");
      if (last >= 0 && text.indexOf("\r\n\r\n", last + 2) >= 0) {
        return text;
      }
    }
    return received.toString(US_ASCII);
  }

  @Test
  void trailersFlowBothWays() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", gateway.server.port("http"))) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /upload HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n"
          + "te: trailers\r\n\r\n5\r\nhello\r\n").getBytes(US_ASCII));
      out.flush();
      Eventually.until("the first chunk reached the backend", () -> seen.containsKey("firstChunk"));
      out.write("0\r\nx-request-sum: 42\r\n\r\n".getBytes(US_ASCII));
      out.flush();

      String response = readChunkedResponse(socket.getInputStream());
      assertThat(response).startsWith("HTTP/1.1 200");
      assertThat(response.toLowerCase()).contains("transfer-encoding: chunked");
      assertThat(response).contains("body part");
      assertThat(response.substring(response.indexOf("\r\n0\r\n")).toLowerCase())
          .contains("x-checksum: abc123");
    }
    String request = seen.get("request");
    assertThat(request).as(seen.toString()).isNotNull();
    assertThat(request.toLowerCase()).contains("transfer-encoding: chunked");
    assertThat(request.substring(request.indexOf("\r\n0\r\n")).toLowerCase())
        .contains("x-request-sum: 42");
  }
}
