package dev.crossgate.waf.conformance;

import dev.crossgate.waf.engine.HttpRequestData;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What an HTTP/1.1 server (Vert.x in Crossgate) does to a request before a WAF sees it: a chunked
 * body is de-chunked and its Content-Length dropped; without Content-Length or chunking there is no
 * body; the body is cut at Content-Length.
 */
final class HttpFraming {

  private HttpFraming() {
  }

  static HttpRequestData apply(HttpRequestData r) {
    List<Map.Entry<String, String>> headers = new ArrayList<>(r.headers());
    byte[] body = r.body();
    String te = get(headers, "transfer-encoding");
    String cl = get(headers, "content-length");
    if (te != null && te.toLowerCase(java.util.Locale.ROOT).contains("chunked")) {
      headers.removeIf(e -> e.getKey().equalsIgnoreCase("content-length"));
      body = dechunk(body);
    } else if (cl == null) {
      if (r.protocol().startsWith("HTTP/1") || r.protocol().isEmpty()) {
        body = new byte[0];
      }
    } else {
      try {
        int n = Integer.parseInt(cl.trim());
        if (n >= 0 && n < body.length) {
          body = Arrays.copyOf(body, n);
        }
      } catch (NumberFormatException e) {
        // a server would reject this; leave the body for the WAF rules that check Content-Length
      }
    }
    return new HttpRequestData(r.method(), r.uri(), r.protocol(), headers, body, r.remoteAddr(), r.remotePort());
  }

  /** True when the request could not get past an HTTP/1.1 parser (CR or LF inside a header). */
  static boolean rejectedByServer(HttpRequestData r) {
    for (Map.Entry<String, String> e : r.headers()) {
      if (e.getValue().indexOf('\r') >= 0 || e.getValue().indexOf('\n') >= 0 || e.getKey().indexOf('\r') >= 0) {
        return true;
      }
    }
    return false;
  }

  private static String get(List<Map.Entry<String, String>> headers, String name) {
    for (Map.Entry<String, String> e : headers) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  private static byte[] dechunk(byte[] body) {
    String s = new String(body, StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int pos = 0;
    while (pos < s.length()) {
      int eol = s.indexOf("\r\n", pos);
      if (eol < 0) {
        break;
      }
      String sizeText = s.substring(pos, eol).split(";")[0].trim();
      int size;
      try {
        size = Integer.parseInt(sizeText, 16);
      } catch (NumberFormatException e) {
        break;
      }
      if (size == 0) {
        break;
      }
      int start = eol + 2;
      int end = Math.min(s.length(), start + size);
      out.write(body, start, end - start);
      pos = end + 2;
    }
    return out.toByteArray();
  }
}
