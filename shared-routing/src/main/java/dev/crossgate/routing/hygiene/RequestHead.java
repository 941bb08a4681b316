package dev.crossgate.routing.hygiene;

import dev.crossgate.routing.error.ErrorReason;
import dev.crossgate.routing.error.ProxyException;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The strict reading of a raw HTTP/1.x request head (and of chunk-size lines and trailers) that
 * {@link Http1FramingGuard} applies before Netty's lenient decoder: what the framing of the
 * request is, or a {@link ProxyException} naming what makes it ambiguous.
 *
 * @param chunked the body is chunked
 * @param contentLength the body length announced by {@code Content-Length}, or -1
 * @param switchesProtocol {@code CONNECT} or {@code Upgrade}: what follows may not be HTTP/1.x
 */
record RequestHead(boolean chunked, long contentLength, boolean switchesProtocol) {

  /**
   * Reads the head in {@code buf} (readable bytes: the request line through the empty line).
   *
   * @throws ProxyException {@code ambiguous_framing} or {@code bad_request} naming the fault
   */
  static RequestHead parse(ByteBuf buf) {
    byte[] head = new byte[buf.readableBytes()];
    buf.getBytes(buf.readerIndex(), head);
    checkLineEndings(head, "request head");
    int lineEnd = indexOfCrlf(head, 0);
    String requestLine = new String(head, 0, lineEnd, StandardCharsets.ISO_8859_1);
    String[] parts = requestLine.split(" ", -1);
    String method = parts[0];
    boolean http10 = parts.length == 3 && parts[2].equals("HTTP/1.0");
    int contentLengths = 0;
    long contentLength = -1;
    int transferEncodings = 0;
    String transferEncoding = null;
    boolean upgrade = false;
    int at = lineEnd + 2;
    while (true) {
      int end = indexOfCrlf(head, at);
      if (end == at) {
        break; // the empty line
      }
      byte first = head[at];
      if (first == ' ' || first == '\t') {
        throw framing("obs-fold: header line " + quote(head, at, end)
            + " continues the previous one (expected: every field on one line)");
      }
      int colon = -1;
      for (int i = at; i < end; i++) {
        if (head[i] == ':') {
          colon = i;
          break;
        }
      }
      if (colon <= at) {
        throw new ProxyException(ErrorReason.BAD_REQUEST, "header line " + quote(head, at, end)
            + " (expected: name: value)");
      }
      for (int i = at; i < colon; i++) {
        if (!isTokenChar(head[i])) {
          throw new ProxyException(ErrorReason.BAD_REQUEST, "header name "
              + quote(head, at, colon) + ": character 0x" + hex(head[i])
              + " (expected: token characters only, no whitespace before the colon)");
        }
      }
      String name = new String(head, at, colon - at, StandardCharsets.ISO_8859_1)
          .toLowerCase(Locale.ROOT);
      int valueStart = colon + 1;
      int valueEnd = end;
      while (valueStart < valueEnd && isOws(head[valueStart])) {
        valueStart++;
      }
      while (valueEnd > valueStart && isOws(head[valueEnd - 1])) {
        valueEnd--;
      }
      for (int i = valueStart; i < valueEnd; i++) {
        byte c = head[i];
        if ((c >= 0 && c < 0x20 && c != '\t') || c == 0x7f) {
          boolean framing = name.equals("transfer-encoding") || name.equals("content-length");
          throw new ProxyException(framing ? ErrorReason.AMBIGUOUS_FRAMING
              : ErrorReason.BAD_REQUEST, "header " + name + ": character 0x" + hex(c)
              + " in its value (expected: no NUL, CR, LF or other control characters)");
        }
      }
      String value = new String(head, valueStart, valueEnd - valueStart,
          StandardCharsets.ISO_8859_1);
      switch (name) {
        case "content-length" -> {
          contentLengths++;
          contentLength = contentLength(value);
        }
        case "transfer-encoding" -> {
          transferEncodings++;
          transferEncoding = value;
        }
        case "upgrade" -> upgrade = true;
        default -> { }
      }
      at = end + 2;
    }
    if (contentLengths > 1) {
      throw framing("content-length: repeated " + contentLengths + " times (expected: once)");
    }
    if (transferEncodings > 1) {
      throw framing("transfer-encoding: repeated " + transferEncodings
          + " times (expected: once, chunked)");
    }
    if (transferEncoding != null) {
      if (!transferEncoding.equalsIgnoreCase("chunked")) {
        throw framing("transfer-encoding: '" + transferEncoding + "' (expected: exactly chunked)");
      }
      if (contentLengths > 0) {
        throw framing("transfer-encoding with content-length (expected: one of them)");
      }
      if (http10) {
        throw framing("transfer-encoding in an HTTP/1.0 request (expected: none; HTTP/1.0 has"
            + " no chunking)");
      }
    }
    return new RequestHead(transferEncoding != null, contentLength,
        upgrade || method.equals("CONNECT"));
  }

  /**
   * The size of the chunk whose size line (through its LF) is readable in {@code buf}.
   *
   * @throws ProxyException {@code ambiguous_framing} for anything but hex digits, an optional
   *     extension and CRLF
   */
  static long chunkSize(ByteBuf buf) {
    byte[] line = new byte[buf.readableBytes()];
    buf.getBytes(buf.readerIndex(), line);
    int n = line.length;
    if (n < 2 || line[n - 2] != '\r') {
      throw framing("chunk-size line " + quote(line, 0, n - 1) + " ends in a bare LF"
          + " (expected: CRLF)");
    }
    long size = 0;
    int digits = 0;
    int i = 0;
    for (; i < n - 2; i++) {
      int digit = Character.digit(line[i], 16);
      if (digit < 0) {
        break;
      }
      if (++digits > 15) {
        throw framing("chunk size " + quote(line, 0, n - 2) + " has more than 15 hex digits");
      }
      size = size * 16 + digit;
    }
    if (digits == 0 || (i < n - 2 && line[i] != ';')) {
      throw framing("chunk size " + quote(line, 0, n - 2)
          + " (expected: hex digits, then optionally ;extension)");
    }
    for (; i < n - 2; i++) {
      byte c = line[i];
      if ((c >= 0 && c < 0x20 && c != '\t') || c == 0x7f) {
        throw framing("chunk extension: character 0x" + hex(c) + " (expected: none)");
      }
    }
    return size;
  }

  /** Checks the trailer section in {@code buf} (through its empty line) like header fields. */
  static void checkTrailers(ByteBuf buf) {
    byte[] trailers = new byte[buf.readableBytes()];
    buf.getBytes(buf.readerIndex(), trailers);
    checkLineEndings(trailers, "trailers");
    int at = 0;
    while (true) {
      int end = indexOfCrlf(trailers, at);
      if (end == at) {
        return;
      }
      if (trailers[at] == ' ' || trailers[at] == '\t') {
        throw framing("obs-fold in the trailers (expected: every field on one line)");
      }
      for (int i = at; i < end; i++) {
        byte c = trailers[i];
        if ((c >= 0 && c < 0x20 && c != '\t') || c == 0x7f) {
          throw new ProxyException(ErrorReason.BAD_REQUEST, "trailer field: character 0x"
              + hex(c) + " (expected: no control characters)");
        }
      }
      at = end + 2;
    }
  }

  /** The method of the request line in {@code buf}, or GET when it has none worth keeping. */
  static HttpMethod methodOf(ByteBuf buf) {
    String line = requestLine(buf);
    int space = line.indexOf(' ');
    String method = space > 0 ? line.substring(0, space) : "";
    for (int i = 0; i < method.length(); i++) {
      if (!isTokenChar((byte) method.charAt(i))) {
        return HttpMethod.GET;
      }
    }
    return method.isEmpty() ? HttpMethod.GET : HttpMethod.valueOf(method);
  }

  /** The request target of the request line in {@code buf}, or "/" when unreadable. */
  static String uriOf(ByteBuf buf) {
    String[] parts = requestLine(buf).split(" ", -1);
    if (parts.length != 3 || parts[1].isEmpty()) {
      return "/";
    }
    for (int i = 0; i < parts[1].length(); i++) {
      char c = parts[1].charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return "/";
      }
    }
    return parts[1];
  }

  private static String requestLine(ByteBuf buf) {
    int max = Math.min(buf.readableBytes(), 8192);
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < max; i++) {
      char c = (char) (buf.getByte(buf.readerIndex() + i) & 0xff);
      if (c == '\r' || c == '\n') {
        break;
      }
      line.append(c);
    }
    return line.toString();
  }

  private static long contentLength(String value) {
    if (value.isEmpty() || value.length() > 18) {
      throw framing("content-length: '" + value + "' (expected: 1 to 18 decimal digits)");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        throw framing("content-length: '" + value + "' (expected: a single non-negative decimal"
            + " number)");
      }
    }
    return Long.parseLong(value);
  }

  /** Every LF must follow a CR and every CR precede an LF. */
  private static void checkLineEndings(byte[] bytes, String where) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r')) {
        throw framing("bare LF in the " + where + " at byte " + i + " (expected: CRLF)");
      }
      if (bytes[i] == '\r' && (i + 1 >= bytes.length || bytes[i + 1] != '\n')) {
        throw framing("bare CR in the " + where + " at byte " + i + " (expected: CRLF)");
      }
    }
  }

  private static int indexOfCrlf(byte[] bytes, int from) {
    for (int i = from; i + 1 < bytes.length; i++) {
      if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
        return i;
      }
    }
    return bytes.length;
  }

  private static boolean isOws(byte b) {
    return b == ' ' || b == '\t';
  }

  /** RFC 9110 tchar. */
  private static boolean isTokenChar(byte b) {
    if (b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z') {
      return true;
    }
    return "!#$%&'*+-.^_`|~".indexOf(b) >= 0;
  }

  private static ProxyException framing(String detail) {
    return new ProxyException(ErrorReason.AMBIGUOUS_FRAMING, detail);
  }

  private static String quote(byte[] bytes, int from, int to) {
    StringBuilder out = new StringBuilder("'");
    for (int i = from; i < Math.min(to, from + 64); i++) {
      int c = bytes[i] & 0xff;
      if (c >= 0x20 && c < 0x7f) {
        out.append((char) c);
      } else {
        out.append(String.format("\\x%02x", c));
      }
    }
    return out.append(to - from > 64 ? "...'" : "'").toString();
  }

  private static String hex(byte b) {
    return String.format("%02x", b & 0xff);
  }
}
