package dev.crossgate.routing.hygiene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossgate.routing.error.ErrorReason;
import dev.crossgate.routing.error.ProxyException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The strict reading of raw request heads and chunk lines, case by case. */
class RequestHeadTest {

  private static ByteBuf bytes(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
  }

  private static RequestHead parse(String head) {
    return RequestHead.parse(bytes(head));
  }

  private static void assertRefused(String head, ErrorReason reason, String detail) {
    assertThatThrownBy(() -> parse(head)).as(head).isInstanceOf(ProxyException.class)
        .satisfies(e -> assertThat(((ProxyException) e).reason()).isEqualTo(reason))
        .hasMessageContaining(detail);
  }

  @Test
  void framingOfValidHeads() {
    assertThat(parse("GET / HTTP/1.1\r\nHost: a\r\n\r\n"))
        .isEqualTo(new RequestHead(false, -1, false));
    assertThat(parse("POST / HTTP/1.1\r\nContent-Length:  12 \r\n\r\n"))
        .isEqualTo(new RequestHead(false, 12, false));
    assertThat(parse("POST / HTTP/1.1\r\nTransfer-Encoding:\tChunked\r\n\r\n"))
        .isEqualTo(new RequestHead(true, -1, false));
    assertThat(parse("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n").switchesProtocol())
        .isTrue();
    assertThat(parse("CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n").switchesProtocol())
        .isTrue();
    assertThat(parse("GET / HTTP/1.1\r\nx-latin: caf\u00e9\r\n\r\n").chunked()).isFalse();
  }

  @Test
  void ambiguousFramingIsNamed() {
    ErrorReason framing = ErrorReason.AMBIGUOUS_FRAMING;
    assertRefused("POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
        framing, "transfer-encoding with content-length");
    assertRefused("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
        framing, "content-length: repeated 2 times");
    assertRefused("POST / HTTP/1.1\r\nContent-Length: 1, 1\r\n\r\n", framing,
        "content-length: '1, 1'");
    assertRefused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked, identity\r\n\r\n", framing,
        "(expected: exactly chunked)");
    assertRefused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked"
        + "\r\n\r\n", framing, "transfer-encoding: repeated 2 times");
    assertRefused("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", framing,
        "HTTP/1.0");
    assertRefused("GET / HTTP/1.1\r\nx-a: b\r\n c\r\n\r\n", framing, "obs-fold");
    assertRefused("GET / HTTP/1.1\nHost: a\r\n\r\n", framing, "bare LF");
    assertRefused("GET / HTTP/1.1\r\nHost: a\rx\r\n\r\n", framing, "bare CR");
    assertRefused("POST / HTTP/1.1\r\nTransfer-Encoding: \u000bchunked\r\n\r\n", framing,
        "character 0x0b");
  }

  @Test
  void badHeaderFieldsAreBadRequests() {
    assertRefused("GET / HTTP/1.1\r\nx-a: a\0b\r\n\r\n", ErrorReason.BAD_REQUEST,
        "header x-a: character 0x00");
    assertRefused("GET / HTTP/1.1\r\nx-a : b\r\n\r\n", ErrorReason.BAD_REQUEST,
        "no whitespace before the colon");
    assertRefused("GET / HTTP/1.1\r\nno colon\r\n\r\n", ErrorReason.BAD_REQUEST,
        "(expected: name: value)");
  }

  @Test
  void chunkSizeLines() {
    assertThat(RequestHead.chunkSize(bytes("1a\r\n"))).isEqualTo(26);
    assertThat(RequestHead.chunkSize(bytes("0;name=value\r\n"))).isZero();
    assertThat(RequestHead.chunkSize(bytes("00000F\r\n"))).isEqualTo(15);
    for (String bad : new String[] {"zz\r\n", "-1\r\n", "0x1\r\n", " 1\r\n", "\r\n", "1\n",
        "1 \r\n", "1234567890abcdef\r\n", "1;a\0\r\n"}) {
      assertThatThrownBy(() -> RequestHead.chunkSize(bytes(bad))).as(bad)
          .isInstanceOf(ProxyException.class)
          .satisfies(e -> assertThat(((ProxyException) e).reason())
              .isEqualTo(ErrorReason.AMBIGUOUS_FRAMING));
    }
  }

  @Test
  void trailers() {
    RequestHead.checkTrailers(bytes("\r\n"));
    RequestHead.checkTrailers(bytes("x-t: 1\r\n\r\n"));
    assertThatThrownBy(() -> RequestHead.checkTrailers(bytes("x-t: 1\r\n folded\r\n\r\n")))
        .hasMessageContaining("obs-fold");
    assertThatThrownBy(() -> RequestHead.checkTrailers(bytes("x-t: 1\n\r\n")))
        .hasMessageContaining("bare LF");
  }
}
