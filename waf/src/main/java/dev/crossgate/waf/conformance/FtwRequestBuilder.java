package dev.crossgate.waf.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossgate.waf.engine.HttpRequestData;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Builds the request a go-ftw / FTW test input describes, with autocomplete_headers semantics. */
final class FtwRequestBuilder {

  /**
   * The client address the WAF sees. The CRS suite runs go-ftw in a container, never from loopback
   * (CRS 905100 exempts "GET /" from 127.0.0.1 as Apache's internal dummy connection).
   */
  static final String CLIENT_ADDR = "172.17.0.2";

  private static final Pattern REPEAT = Pattern.compile("\\{\\{\\s*\"([^\"]*)\"\\s*\\|\\s*repeat\\s+(\\d+)\\s*}}");

  private FtwRequestBuilder() {
  }

  static HttpRequestData build(JsonNode in) {
    if (in.hasNonNull("encoded_request")) {
      return raw(Base64.getMimeDecoder().decode(in.get("encoded_request").asText()));
    }
    if (in.hasNonNull("raw_request")) {
      return raw(in.get("raw_request").asText().getBytes(StandardCharsets.ISO_8859_1));
    }
    String method = text(in, "method", "GET");
    String uri = new String(text(in, "uri", "/").getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    String version = text(in, "version", "HTTP/1.1");
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    JsonNode h = in.get("headers");
    if (h != null) {
      Iterator<Map.Entry<String, JsonNode>> it = h.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        headers.add(Map.entry(e.getKey(), e.getValue().asText()));
      }
    }
    String data = null;
    if (in.hasNonNull("data")) {
      JsonNode d = in.get("data");
      data = d.isArray() ? join(d) : d.asText();
      data = template(data);
    }
    boolean auto = !in.has("autocomplete_headers") || in.get("autocomplete_headers").asBoolean(true);
    if (auto) {
      if (data != null && !data.isEmpty() && !has(headers, "content-type")) {
        headers.add(Map.entry("Content-Type", "application/x-www-form-urlencoded"));
      }
      if (data != null && !data.isEmpty() && !has(headers, "content-length")) {
        headers.add(Map.entry("Content-Length", Integer.toString(data.getBytes(StandardCharsets.UTF_8).length)));
      }
      if (!has(headers, "connection")) {
        headers.add(Map.entry("Connection", "close"));
      }
    }
    byte[] body = data == null ? new byte[0] : data.getBytes(StandardCharsets.UTF_8);
    return HttpFraming.apply(new HttpRequestData(method, uri, version, latin1(headers), body, CLIENT_ADDR, 40000));
  }

  private static List<Map.Entry<String, String>> latin1(List<Map.Entry<String, String>> headers) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    for (Map.Entry<String, String> e : headers) {
      out.add(Map.entry(e.getKey(), new String(e.getValue().getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)));
    }
    return out;
  }

  private static String join(JsonNode arr) {
    StringBuilder sb = new StringBuilder();
    for (JsonNode n : arr) {
      sb.append(n.asText()).append("\r\n");
    }
    return sb.toString();
  }

  static String template(String data) {
    Matcher m = REPEAT.matcher(data);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1).repeat(Integer.parseInt(m.group(2)))));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private static boolean has(List<Map.Entry<String, String>> headers, String name) {
    return headers.stream().anyMatch(e -> e.getKey().equalsIgnoreCase(name));
  }

  private static String text(JsonNode in, String field, String dflt) {
    JsonNode n = in.get(field);
    return n == null || n.isNull() ? dflt : n.asText();
  }

  /** Parses raw HTTP/1.x bytes: request line, headers, body. */
  static HttpRequestData raw(byte[] bytes) {
    String s = new String(bytes, StandardCharsets.ISO_8859_1);
    int headEnd = s.indexOf("\r\n\r\n");
    int sepLen = 4;
    if (headEnd < 0) {
      headEnd = s.indexOf("\n\n");
      sepLen = 2;
    }
    String head = headEnd < 0 ? s : s.substring(0, headEnd);
    String body = headEnd < 0 ? "" : s.substring(headEnd + sepLen);
    String[] lines = head.split("\r?\n");
    String[] rl = lines[0].split(" ", 3);
    String method = rl.length > 0 ? rl[0] : "";
    String uri = rl.length > 1 ? rl[1] : "";
    String proto = rl.length > 2 ? rl[2] : "HTTP/0.9";
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      int c = lines[i].indexOf(':');
      if (c > 0) {
        headers.add(Map.entry(lines[i].substring(0, c).trim(), lines[i].substring(c + 1).trim()));
      }
    }
    return HttpFraming.apply(
        new HttpRequestData(method, uri, proto, headers, body.getBytes(StandardCharsets.ISO_8859_1), CLIENT_ADDR, 40000));
  }
}
