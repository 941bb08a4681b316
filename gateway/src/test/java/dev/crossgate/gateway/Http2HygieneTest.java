package dev.crossgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.routing.config.ListenerSettings;
import dev.crossgate.routing.hygiene.RequestLimits;
import dev.crossgate.testkit.BackendExtension;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Protocol hygiene on HTTP/2 (h2c with prior knowledge): header values with NUL, CR or LF sent
 * in raw HEADERS frames (clients refuse to build them) are refused with 400, and a body over the
 * limit sent as DATA frames without any {@code content-length} is answered 413.
 */
class Http2HygieneTest {

  @RegisterExtension static final BackendExtension APP = new BackendExtension("app");

  @TempDir static Path dir;
  static GatewayFixture gateway;
  static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    gateway = GatewayFixture.start(dir, Yaml.GATEWAY + Yaml.service("app", APP.port())
            + Yaml.prefixRoute("app", "/", "[{name: app}]"), Duration.ofSeconds(5),
        options -> options.withListener(ListenerSettings.defaults().withRequestLimits(
            new RequestLimits(50, 1000, 0, Duration.ofSeconds(10)))));
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    gateway.close();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** What came back on stream 1: the response headers, or null when the stream was reset. */
  private record Stream1(Http2Headers headers, int resetCode) {}

  /** Sends one HEADERS frame (END_STREAM) on a fresh h2c connection and reads stream 1. */
  private static Stream1 rawHeaders(String name, String value) throws Exception {
    Http2Headers headers = new DefaultHttp2Headers(false)
        .method("GET").scheme("http").path("/x").authority("app")
        .add(name, value);
    ByteBuf block = Unpooled.buffer();
    new DefaultHttp2HeadersEncoder(Http2HeadersEncoder.NEVER_SENSITIVE, true)
        .encodeHeaders(1, headers, block);
    byte[] encoded = new byte[block.readableBytes()];
    block.readBytes(encoded);
    block.release();
    try (Socket socket = new Socket("127.0.0.1", gateway.server.port("http"))) {
      socket.setSoTimeout(15_000);
      OutputStream out = socket.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      writeFrame(out, 0x4, 0, 0, new byte[0]); // SETTINGS
      writeFrame(out, 0x1, 0x4 | 0x1, 1, encoded); // HEADERS, END_HEADERS | END_STREAM
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);
      while (true) {
        int length;
        try {
          length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
        } catch (EOFException closed) {
          return new Stream1(null, -1);
        }
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt() & 0x7fffffff;
        byte[] payload = in.readNBytes(length);
        if (type == 0x4 && (flags & 0x1) == 0) {
          writeFrame(out, 0x4, 0x1, 0, new byte[0]); // SETTINGS ACK
          out.flush();
        } else if (stream == 1 && type == 0x1) {
          int from = 0;
          int to = payload.length;
          if ((flags & 0x8) != 0) { // PADDED
            to -= payload[0] & 0xff;
            from = 1;
          }
          if ((flags & 0x20) != 0) { // PRIORITY
            from += 5;
          }
          return new Stream1(decoder.decodeHeaders(1,
              Unpooled.wrappedBuffer(payload, from, to - from)), 0);
        } else if (stream == 1 && type == 0x3) {
          return new Stream1(null, java.nio.ByteBuffer.wrap(payload).getInt());
        } else if (type == 0x7) {
          return new Stream1(null, -2); // GOAWAY
        }
      }
    }
  }

  private static void writeFrame(OutputStream out, int type, int flags, int stream,
      byte[] payload) throws Exception {
    out.write(new byte[] {(byte) (payload.length >>> 16), (byte) (payload.length >>> 8),
        (byte) payload.length, (byte) type, (byte) flags, (byte) (stream >>> 24),
        (byte) (stream >>> 16), (byte) (stream >>> 8), (byte) stream});
    out.write(payload);
  }

  @Test
  void aPlainRawRequestPasses() throws Exception {
    Stream1 answer = rawHeaders("x-a", "fine");
    assertThat(answer.headers()).isNotNull();
    assertThat(answer.headers().status().toString()).isEqualTo("200");
  }

  @Test
  void nulCrOrLfInHeaderValuesAreRefused() throws Exception {
    for (String value : new String[] {"a\0b", "a\rb", "a\nb", "a\r\nx-injected: 1"}) {
      int before = APP.backend().requests().size();
      Stream1 answer = rawHeaders("x-a", value);
      // refused, never proxied: a 400 from Crossgate, or Netty's own stream/connection error
      if (answer.headers() != null) {
        assertThat(answer.headers().status().toString()).as(value).isEqualTo("400");
        assertThat(answer.headers().get("x-crossgate-error").toString()).as(value)
            .isEqualTo("bad_request");
      } else {
        assertThat(answer.resetCode()).as(value).isNotZero();
      }
      assertThat(APP.backend().requests()).as(value).hasSize(before);
    }
  }

  @Test
  void aBodyOverTheLimitInDataFramesIs413() throws Exception {
    HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
    HttpClientResponse response = await(client.request(new RequestOptions()
            .setHost("127.0.0.1").setPort(gateway.server.port("http")).setURI("/upload")
            .setMethod(HttpMethod.POST))
        .compose(request -> {
          request.setChunked(true);
          for (int i = 0; i < 12; i++) {
            request.write(Buffer.buffer("z".repeat(100)));
          }
          request.end();
          return request.response();
        }));
    assertThat(response.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.getHeader("x-crossgate-error")).isEqualTo("payload_too_large");
    assertThat(response.getHeader("content-type")).isEqualTo("application/problem+json");
    await(client.close());
  }

  @Test
  void aBodyWithinTheLimitInDataFramesPasses() throws Exception {
    HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
    HttpClientResponse response = await(client.request(new RequestOptions()
            .setHost("127.0.0.1").setPort(gateway.server.port("http")).setURI("/upload")
            .setMethod(HttpMethod.POST))
        .compose(request -> {
          request.setChunked(true);
          for (int i = 0; i < 10; i++) {
            request.write(Buffer.buffer("z".repeat(100)));
          }
          request.end();
          return request.response();
        }));
    assertThat(response.statusCode()).isEqualTo(200);
    await(client.close());
  }
}
