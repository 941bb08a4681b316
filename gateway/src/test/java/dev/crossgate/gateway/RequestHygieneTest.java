package dev.crossgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.routing.config.ListenerSettings;
import dev.crossgate.routing.hygiene.RequestLimits;
import dev.crossgate.testkit.BackendExtension;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests that could be smuggled or abuse limits, sent over raw sockets to a real gateway:
 * each is refused with its status and reason, and the connection is closed (the test reads to
 * end-of-stream, so a connection left open fails it by timeout).
 */
class RequestHygieneTest {

  @RegisterExtension static final BackendExtension APP = new BackendExtension("app");

  @TempDir static Path dir;
  static GatewayFixture gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = GatewayFixture.start(dir, Yaml.GATEWAY + Yaml.service("app", APP.port())
            + Yaml.prefixRoute("app", "/", "[{name: app}]"), Duration.ofSeconds(5),
        options -> options.withListener(ListenerSettings.defaults().withRequestLimits(
            new RequestLimits(20, 1000, 3, Duration.ofSeconds(2)))));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static final String POST = "POST /x HTTP/1.1\r\nhost: app\r\n";

  /** Sends raw bytes and returns everything the gateway sends until it closes. */
  private static String exchange(String raw) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", gateway.server.port("http"))) {
      socket.setSoTimeout(15_000);
      OutputStream out = socket.getOutputStream();
      out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  private static void assertRefused(String raw, String status, String reason) throws Exception {
    String answer = exchange(raw);
    assertThat(answer).as(raw).startsWith("HTTP/1.1 " + status)
        .contains("x-crossgate-error: " + reason);
    // exactly one response: nothing after the head was taken for a second request
    assertThat(answer.split("HTTP/1\\.[01] ", -1)).as(raw).hasSize(2);
    assertThat(answer).contains("connection: close");
  }

  private static void assertRefusedAndLogged(String raw, String status, String reason)
      throws Exception {
    int before = logLines(reason);
    assertRefused(raw, status, reason);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (logLines(reason) <= before && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(logLines(reason)).isGreaterThan(before);
  }

  private static int logLines(String reason) {
    return (int) gateway.accessLogText().lines().map(JsonObject::new)
        .filter(json -> reason.equals(json.getString("error"))).count();
  }

  // --- framing: the raw-byte guard in front of Netty's decoder, and the checks behind it ---

  private static final String FRAMING = "ambiguous_framing";

  /** Refused with 400 {@code ambiguous_framing}, closed, and the backend never saw it. */
  private static void assertSmugglingRefused(String raw) throws Exception {
    assertRefusedUnforwarded(raw, "400", FRAMING);
  }

  private static final AtomicInteger ATTEMPTS = new AtomicInteger();

  /**
   * Refused, logged, and never forwarded. The request's path is made unique first, so a request
   * another test forwarded (and the backend records late) cannot be mistaken for this one.
   */
  private static void assertRefusedUnforwarded(String raw, String status, String reason)
      throws Exception {
    String path = "/refused-" + ATTEMPTS.incrementAndGet();
    String marked = raw.replaceFirst("^(GET|POST) /x ", "$1 " + path + " ");
    assertThat(marked).as("a request to /x").isNotEqualTo(raw);
    assertRefusedAndLogged(marked, status, reason);
    assertThat(APP.backend().requests()).as(marked)
        .noneMatch(r -> r.uri().startsWith(path));
  }

  @Test
  void obfuscatedTransferEncodingIsRefused() throws Exception {
    String body = "\r\n3\r\nabc\r\n0\r\n\r\n";
    for (String coding : List.of("xchunked", "chunked, identity", "identity", "chunked, chunked",
        "chunked;q=1", "\"chunked\"", "chunked\u000b", "\u000bchunked", "\fchunked",
        "ch unked")) {
      assertSmugglingRefused(POST + "transfer-encoding: " + coding + "\r\n" + body);
    }
  }

  @Test
  void transferEncodingWithOddWhitespaceAroundTheNameIsRefused() throws Exception {
    String body = "\r\n3\r\nabc\r\n0\r\n\r\n";
    assertRefusedAndLogged(POST + "transfer-encoding : chunked\r\n" + body, "400",
        "bad_request");
    assertRefusedAndLogged(POST + " transfer-encoding: chunked\r\n" + body, "400", FRAMING);
    assertRefusedAndLogged(POST + "transfer-encoding\t: chunked\r\n" + body, "400",
        "bad_request");
  }

  @Test
  void repeatedTransferEncodingIsRefused() throws Exception {
    assertSmugglingRefused(POST + "transfer-encoding: chunked\r\ntransfer-encoding: chunked\r\n"
        + "\r\n3\r\nabc\r\n0\r\n\r\n");
  }

  @Test
  void transferEncodingWithContentLengthIsRefused() throws Exception {
    // Netty alone would drop the content-length and read the body as chunked
    assertSmugglingRefused(POST + "content-length: 4\r\ntransfer-encoding: chunked\r\n"
        + "\r\n0\r\n\r\n");
    assertSmugglingRefused(POST + "transfer-encoding: chunked\r\ncontent-length: 15\r\n"
        + "\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nhost: app\r\n\r\n");
  }

  @Test
  void transferEncodingInHttp10IsRefused() throws Exception {
    String answer = exchange("POST /x HTTP/1.0\r\nhost: app\r\ntransfer-encoding: chunked\r\n"
        + "\r\n3\r\nabc\r\n0\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.").contains(" 400 ")
        .contains("x-crossgate-error: " + FRAMING);
  }

  @Test
  void obsFoldIsRefused() throws Exception {
    // Netty alone would join the continuation line to the previous value
    assertSmugglingRefused("GET /x HTTP/1.1\r\nhost: app\r\nx-a: b\r\n c\r\n\r\n");
    assertSmugglingRefused("GET /x HTTP/1.1\r\nhost: app\r\nx-a: b\r\n\tc\r\n\r\n");
    assertSmugglingRefused(POST + "transfer-encoding: identity\r\n chunked\r\n\r\n"
        + "0\r\n\r\n");
  }

  @Test
  void aBadHeadBehindAGoodRequestOnTheSameConnectionIsRefused() throws Exception {
    // the guard follows the framing: bodies (sized, chunked, with trailers) are skipped, and
    // the head after them is still inspected
    String tag = "-pipelined-" + ATTEMPTS.incrementAndGet();
    String answer = exchange("POST /sized" + tag + " HTTP/1.1\r\nhost: app\r\n"
        + "content-length: 5\r\n\r\nhello"
        + "POST /chunked" + tag + " HTTP/1.1\r\nhost: app\r\n"
        + "transfer-encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n0\r\nx-t: 1\r\n\r\n"
        + "GET /folded" + tag + " HTTP/1.1\r\nhost: app\r\nx-a: b\r\n folded\r\n\r\n"
        + "GET /never" + tag + " HTTP/1.1\r\nhost: app\r\n\r\n");
    assertThat(answer.split("HTTP/1\\.1 ", -1)).hasSize(4);
    assertThat(answer).contains("HTTP/1.1 200").contains("HTTP/1.1 400")
        .contains("x-crossgate-error: " + FRAMING).contains("connection: close");
    assertThat(answer.indexOf("HTTP/1.1 400")).isGreaterThan(answer.lastIndexOf("HTTP/1.1 200"));
    List<String> forwarded = APP.backend().requests().stream().map(r -> r.uri())
        .filter(uri -> uri.endsWith(tag)).toList();
    assertThat(forwarded).containsExactlyInAnyOrder("/sized" + tag, "/chunked" + tag);
  }

  @Test
  void tooManyHeaderFieldsAre431() throws Exception {
    StringBuilder raw = new StringBuilder("GET /x HTTP/1.1\r\nhost: app\r\n");
    for (int i = 0; i < 25; i++) {
      raw.append("x-h").append(i).append(": v\r\n");
    }
    assertRefusedAndLogged(raw + "\r\n", "431", "headers_too_large");
  }

  @Test
  void aBodyAnnouncedOverTheLimitIs413BeforeAnyByteGoesUpstream() throws Exception {
    assertRefusedUnforwarded(POST + "content-length: 1001\r\n\r\n", "413", "payload_too_large");
  }

  @Test
  void aChunkedBodyOverTheLimitIs413AndTheConnectionClosed() throws Exception {
    StringBuilder body = new StringBuilder("\r\n");
    for (int i = 0; i < 12; i++) {
      body.append("64\r\n").append("x".repeat(100)).append("\r\n"); // 1200 bytes in all
    }
    assertRefusedAndLogged(POST + "transfer-encoding: chunked\r\n" + body + "0\r\n\r\n",
        "413", "payload_too_large");
  }

  @Test
  void aBodyWithinTheLimitPasses() throws Exception {
    String answer = exchange(POST + "content-length: 3\r\nconnection: close\r\n\r\nabc");
    assertThat(answer).startsWith("HTTP/1.1 200");
    String chunked = exchange(POST + "transfer-encoding: chunked\r\nconnection: close\r\n\r\n"
        + "3e8\r\n" + "y".repeat(1000) + "\r\n0\r\n\r\n");
    assertThat(chunked).startsWith("HTTP/1.1 200");
  }

  @Test
  void conflictingOrRepeatedContentLengthIsRefused() throws Exception {
    assertSmugglingRefused(POST + "content-length: 3\r\ncontent-length: 4\r\n\r\nabcd");
    assertSmugglingRefused(POST + "content-length: 3\r\ncontent-length: 3\r\n\r\nabc");
    assertSmugglingRefused(POST + "content-length: 3, 3\r\n\r\nabc");
    assertSmugglingRefused(POST + "content-length: -3\r\n\r\nabc");
    assertSmugglingRefused(POST + "content-length: +3\r\n\r\nabc");
    assertSmugglingRefused(POST + "content-length: 0x3\r\n\r\nabc");
  }

  @Test
  void bareCrOrLfLineEndingsAreRefused() throws Exception {
    assertSmugglingRefused("GET /x HTTP/1.1\nhost: app\n\n");
    assertSmugglingRefused("GET /x HTTP/1.1\rhost: app\r\n\r\n");
    assertSmugglingRefused("GET /x HTTP/1.1\r\nhost: app\nx-a: b\r\n\r\n");
    assertSmugglingRefused("GET /x HTTP/1.1\r\nhost: app\r\nx-a: b\n\r\n");
  }

  @Test
  void nulCrOrControlCharactersInHeaderValuesAreRefused() throws Exception {
    assertRefusedUnforwarded("GET /x HTTP/1.1\r\nhost: app\r\nx-a: a\0b\r\n\r\n", "400",
        "bad_request");
    assertRefusedUnforwarded("GET /x HTTP/1.1\r\nhost: app\r\nx-a: a\rb\r\n\r\n", "400",
        FRAMING); // a bare CR
    assertRefusedUnforwarded("GET /x HTTP/1.1\r\nhost: app\r\nx-a: a\u007fb\r\n\r\n", "400",
        "bad_request");
    assertRefusedUnforwarded("GET /x HTTP/1.1\r\nhost: app\r\nx-a: a\u0001b\r\n\r\n", "400",
        "bad_request");
  }

  @Test
  void invalidChunkSizesAre400AndCloseTheConnection() throws Exception {
    for (String chunk : List.of("zz\r\nabc\r\n0\r\n\r\n", "-3\r\nabc\r\n0\r\n\r\n",
        "3\nabc\r\n0\r\n\r\n", "ffffffffffffffffff\r\nabc\r\n0\r\n\r\n",
        "0x3\r\nabc\r\n0\r\n\r\n", " 3\r\nabc\r\n0\r\n\r\n", "\r\nabc\r\n0\r\n\r\n")) {
      assertSmugglingRefused(POST + "transfer-encoding: chunked\r\n\r\n" + chunk);
    }
    // a first valid chunk is streamed on at once, so the backend may see the head before the
    // chunk that overruns its size: the client still gets the 400 and loses its connection
    assertRefusedAndLogged(POST + "transfer-encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n",
        "400", FRAMING);
  }

  @Test
  void anOverlongUriIs414() throws Exception {
    String answer = exchange("GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nhost: app\r\n\r\n");
    // the codec answers an unparsed request line as HTTP/1.0
    assertThat(answer).startsWith("HTTP/1.0 414").contains("x-crossgate-error: uri_too_long");
  }

  // --- connection guards ---

  /** Sends one keep-alive GET and reads its whole response; false when the connection died. */
  private static boolean okResponse(Socket socket) throws Exception {
    socket.setSoTimeout(10_000);
    socket.getOutputStream().write("GET /x HTTP/1.1\r\nhost: app\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII));
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    int b;
    try {
      while (!head.toString().endsWith("\r\n\r\n") && (b = in.read()) >= 0) {
        head.append((char) b);
      }
    } catch (java.net.SocketException e) {
      return false;
    }
    if (!head.toString().startsWith("HTTP/1.1 200")) {
      return false;
    }
    String lower = head.toString().toLowerCase(java.util.Locale.ROOT);
    int at = lower.indexOf("content-length: ");
    if (at >= 0) {
      int end = lower.indexOf("\r\n", at);
      in.readNBytes(Integer.parseInt(lower.substring(at + 16, end).trim()));
    } else {
      // chunked: read until the last chunk
      StringBuilder body = new StringBuilder();
      while (!body.toString().endsWith("0\r\n\r\n") && (b = in.read()) >= 0) {
        body.append((char) b);
      }
    }
    return true;
  }

  @Test
  void aClientTricklingItsHeadersIsDisconnected() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", gateway.server.port("http"))) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      // a first complete request (Vert.x reports an h2c-capable connection only after one)
      assertThat(okResponse(socket)).isTrue();
      out.write("GET /x HTTP/1.1\r\nhost: app\r\n".getBytes(StandardCharsets.US_ASCII));
      // keep sending a header byte every 200 ms: never idle, never complete
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      boolean closed = false;
      while (!closed && System.nanoTime() < deadline) {
        try {
          out.write("x-slow: 1\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
        } catch (java.io.IOException e) {
          closed = true;
          break;
        }
        socket.setSoTimeout(200);
        try {
          closed = in.read() < 0;
        } catch (java.net.SocketTimeoutException e) {
          // still open
        } catch (java.io.IOException e) {
          closed = true;
        }
      }
      assertThat(closed).as("closed by the header-read deadline").isTrue();
    }
  }

  @Test
  void connectionsOverThePerAddressLimitAreClosed() throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        Socket socket = new Socket("127.0.0.1", gateway.server.port("http"));
        held.add(socket);
        assertThat(okResponse(socket)).as("connection " + i).isTrue();
      }
      try (Socket fourth = new Socket("127.0.0.1", gateway.server.port("http"))) {
        fourth.setSoTimeout(10_000);
        fourth.getOutputStream().write("GET /x HTTP/1.1\r\nhost: app\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        int read;
        try {
          read = fourth.getInputStream().read();
        } catch (java.net.SocketException e) {
          read = -1; // reset counts as closed
        }
        assertThat(read).as("the fourth connection is closed unanswered").isEqualTo(-1);
      }
      // once one closes, a new connection is accepted again
      held.remove(0).close();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      boolean accepted = false;
      while (!accepted && System.nanoTime() < deadline) {
        try (Socket again = new Socket("127.0.0.1", gateway.server.port("http"))) {
          accepted = okResponse(again);
        } catch (java.io.IOException e) {
          accepted = false; // the close has not been counted yet
        }
      }
      assertThat(accepted).isTrue();
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }
  }
}
