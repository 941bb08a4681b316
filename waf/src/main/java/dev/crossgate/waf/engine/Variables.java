package dev.crossgate.waf.engine;

import dev.crossgate.waf.body.MultipartParser;
import dev.crossgate.waf.body.UrlEncodedParser;
import dev.crossgate.waf.rule.Target;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** The variables and collections of one transaction, and how targets resolve against them. */
final class Variables {

  private final Transaction tx;
  private final Map<String, Collection> colls = new HashMap<>();
  private final Map<String, String> scalars = new HashMap<>();
  private final Map<String, String> txMap = new LinkedHashMap<>();
  private final List<Var> matched = new ArrayList<>();
  private Document xml;
  private int argCount;

  Variables(Transaction tx) {
    this.tx = tx;
    for (String c : new String[] {"ARGS_GET", "ARGS_POST", "REQUEST_HEADERS", "REQUEST_COOKIES", "FILES",
        "FILES_SIZES", "FILES_TMP_CONTENT", "MULTIPART_PART_HEADERS", "RESPONSE_HEADERS", "ENV", "IP", "GLOBAL",
        "SESSION", "USER", "RESOURCE", "GEO", "MULTIPART_FILENAME", "MULTIPART_NAME"}) {
      colls.put(c, new Collection(c));
    }
    scalars.put("REQBODY_ERROR", "0");
    scalars.put("REQBODY_PROCESSOR", "");
    scalars.put("REQBODY_PROCESSOR_ERROR", "0");
    scalars.put("MULTIPART_STRICT_ERROR", "0");
    scalars.put("INBOUND_DATA_ERROR", "0");
    scalars.put("URLENCODED_ERROR", "0");
    scalars.put("DURATION", "0");
    scalars.put("HIGHEST_SEVERITY", "255");
  }

  Map<String, String> txView() {
    return txMap;
  }

  void loadRequest(HttpRequestData r, int argLimit) {
    String uri = r.uri();
    scalars.put("REQUEST_METHOD", r.method());
    boolean http09 = r.protocol() == null || r.protocol().isEmpty();
    scalars.put("REQUEST_PROTOCOL", http09 ? "HTTP/0.9" : r.protocol());
    scalars.put("REQUEST_LINE", r.method() + " " + uri + (http09 ? "" : " " + r.protocol()));
    scalars.put("REQUEST_URI_RAW", uri);
    String path = uri;
    int scheme = uri.indexOf("://");
    if (scheme > 0 && uri.indexOf('/') > scheme) {
      int slash = uri.indexOf('/', scheme + 3);
      path = slash < 0 ? "/" : uri.substring(slash);
    }
    scalars.put("REQUEST_URI", path);
    int q = path.indexOf('?');
    String filename = q < 0 ? path : path.substring(0, q);
    int hash = filename.indexOf('#');
    if (hash >= 0) {
      filename = filename.substring(0, hash);
    }
    String query = q < 0 ? "" : path.substring(q + 1);
    // decoded like Go's url.Parse path (Coraza) and as the CRS tests expect; '+' stays '+'
    filename = dev.crossgate.waf.transform.UrlCodec.decode(filename.replace("+", "%2B"), false);
    scalars.put("REQUEST_FILENAME", filename);
    int ls = Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\'));
    scalars.put("REQUEST_BASENAME", ls < 0 ? filename : filename.substring(ls + 1));
    scalars.put("QUERY_STRING", query);
    scalars.put("REMOTE_ADDR", r.remoteAddr());
    scalars.put("REMOTE_HOST", r.remoteAddr());
    scalars.put("REMOTE_PORT", Integer.toString(r.remotePort()));
    scalars.put("SERVER_ADDR", "127.0.0.1");
    scalars.put("SERVER_PORT", "80");
    scalars.put("UNIQUE_ID", Long.toHexString(System.nanoTime()));
    scalars.put("TIME_EPOCH", Long.toString(System.currentTimeMillis() / 1000));
    UrlEncodedParser.parse(query, argLimit, (k, v) -> addArg("ARGS_GET", k, v));
    Collection headers = colls.get("REQUEST_HEADERS");
    StringBuilder full = new StringBuilder(scalars.get("REQUEST_LINE")).append('\n');
    for (Map.Entry<String, String> h : r.headers()) {
      headers.add(h.getKey(), h.getValue());
      full.append(h.getKey()).append(": ").append(h.getValue()).append('\n');
      if (h.getKey().equalsIgnoreCase("cookie")) {
        parseCookies(h.getValue());
      }
      if (h.getKey().equalsIgnoreCase("host")) {
        scalars.put("SERVER_NAME", h.getValue());
      }
    }
    scalars.put("FULL_REQUEST", full.toString());
    scalars.put("FULL_REQUEST_LENGTH", Integer.toString(full.length() + (r.body() == null ? 0 : r.body().length)));
  }

  private void parseCookies(String header) {
    Collection c = colls.get("REQUEST_COOKIES");
    for (String part : header.split(";")) {
      String p = part.strip();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      c.add(eq < 0 ? p : p.substring(0, eq), eq < 0 ? "" : p.substring(eq + 1));
    }
  }

  void addArg(String coll, String k, String v) {
    argCount++;
    colls.get(coll).add(k, v);
  }

  String header(String name) {
    return colls.get("REQUEST_HEADERS").first(name);
  }

  void setBody(String body) {
    scalars.put("REQUEST_BODY", body);
    scalars.put("REQUEST_BODY_LENGTH", Integer.toString(body.length()));
  }

  void setScalar(String k, String v) {
    scalars.put(k, v);
  }

  void bodyError(String msg) {
    scalars.put("REQBODY_ERROR", "1");
    scalars.put("REQBODY_PROCESSOR_ERROR", "1");
    scalars.put("REQBODY_ERROR_MSG", msg);
    scalars.put("REQBODY_PROCESSOR_ERROR_MSG", msg);
  }

  void setXml(Document d) {
    this.xml = d;
  }

  void setMultipart(MultipartParser.Result r) {
    boolean any = false;
    for (Map.Entry<String, Boolean> f : r.flags().entrySet()) {
      scalars.put(f.getKey(), f.getValue() ? "1" : "0");
      any |= f.getValue();
    }
    if (r.error() != null) {
      any = true;
    }
    scalars.put("MULTIPART_STRICT_ERROR", any ? "1" : "0");
    long combined = 0;
    for (MultipartParser.Part p : r.parts()) {
      for (String h : p.headers()) {
        colls.get("MULTIPART_PART_HEADERS").add(p.name(), h);
      }
      colls.get("MULTIPART_NAME").add(p.name(), p.name());
      if (p.isFile()) {
        colls.get("FILES").add(p.name(), p.filename());
        colls.get("MULTIPART_FILENAME").add(p.name(), p.filename());
        colls.get("FILES_SIZES").add(p.name(), Integer.toString(p.content().length()));
        colls.get("FILES_TMP_CONTENT").add(p.name(), p.content());
        combined += p.content().length();
      } else {
        addArg("ARGS_POST", p.name(), p.content());
      }
    }
    scalars.put("FILES_COMBINED_SIZE", Long.toString(combined));
  }

  void loadResponse(int status, String protocol, List<Map.Entry<String, String>> headers, String body) {
    scalars.put("RESPONSE_STATUS", Integer.toString(status));
    scalars.put("RESPONSE_PROTOCOL", protocol);
    scalars.put("STATUS_LINE", protocol + " " + status);
    for (Map.Entry<String, String> h : headers) {
      colls.get("RESPONSE_HEADERS").add(h.getKey(), h.getValue());
      if (h.getKey().equalsIgnoreCase("content-type")) {
        scalars.put("RESPONSE_CONTENT_TYPE", h.getValue());
      }
    }
    if (body != null) {
      scalars.put("RESPONSE_BODY", body);
      scalars.put("RESPONSE_CONTENT_LENGTH", Integer.toString(body.length()));
    }
  }

  // ---- TX and other writable collections

  void setTx(String key, String value) {
    txMap.put(key.toLowerCase(Locale.ROOT), value);
  }

  void setIn(String coll, String key, String value) {
    if (coll.equals("TX")) {
      setTx(key, value);
    } else {
      colls.computeIfAbsent(coll, Collection::new).put(key, value);
    }
  }

  String getIn(String coll, String key) {
    if (coll.equals("TX")) {
      return txMap.get(key.toLowerCase(Locale.ROOT));
    }
    Collection c = colls.get(coll);
    return c == null ? null : c.first(key);
  }

  void deleteIn(String coll, String key) {
    if (coll.equals("TX")) {
      txMap.remove(key.toLowerCase(Locale.ROOT));
    } else if (colls.containsKey(coll)) {
      colls.get(coll).remove(key);
    }
  }

  void setEnv(String k, String v) {
    colls.get("ENV").put(k, v);
  }

  // ---- matched variables

  void resetMatched() {
    matched.clear();
  }

  void recordMatch(Var v, String transformed) {
    Var m = new Var(v.collection(), v.key(), transformed);
    matched.add(m);
    scalars.put("MATCHED_VAR", transformed);
    scalars.put("MATCHED_VAR_NAME", m.fullName());
  }

  String matchedVar() {
    return scalars.getOrDefault("MATCHED_VAR", "");
  }

  String matchedVarName() {
    return scalars.getOrDefault("MATCHED_VAR_NAME", "");
  }

  /** First value of {@code COLL} / {@code COLL.key}, for macros. */
  String first(String coll, String key) {
    if (key != null && coll.equals("TX")) {
      return txMap.get(key.toLowerCase(Locale.ROOT));
    }
    if (key == null && scalars.containsKey(coll)) {
      return scalars.get(coll);
    }
    List<Var> vs = resolve(new Target(coll, key, null, false, false), List.of());
    return vs.isEmpty() ? null : vs.get(0).value();
  }

  // ---- resolution

  List<Var> resolve(Target t, List<Target> exclusions) {
    List<Var> all = new ArrayList<>();
    String c = t.collection();
    switch (c) {
      case "ARGS" -> {
        entries("ARGS_GET", "ARGS", false, all);
        entries("ARGS_POST", "ARGS", false, all);
      }
      case "ARGS_NAMES" -> {
        entries("ARGS_GET", "ARGS_NAMES", true, all);
        entries("ARGS_POST", "ARGS_NAMES", true, all);
      }
      case "ARGS_GET_NAMES" -> entries("ARGS_GET", c, true, all);
      case "ARGS_POST_NAMES" -> entries("ARGS_POST", c, true, all);
      case "REQUEST_HEADERS_NAMES" -> entries("REQUEST_HEADERS", c, true, all);
      case "REQUEST_COOKIES_NAMES" -> entries("REQUEST_COOKIES", c, true, all);
      case "RESPONSE_HEADERS_NAMES" -> entries("RESPONSE_HEADERS", c, true, all);
      case "FILES_NAMES" -> entries("FILES", c, true, all);
      case "TX" -> {
        for (Map.Entry<String, String> e : txMap.entrySet()) {
          all.add(new Var("TX", e.getKey(), e.getValue()));
        }
      }
      case "MATCHED_VARS" -> all.addAll(matched);
      case "MATCHED_VARS_NAMES" -> {
        for (Var m : matched) {
          all.add(new Var(c, m.fullName(), m.fullName()));
        }
      }
      case "XML" -> xml(t, all);
      case "ARGS_COMBINED_SIZE" -> {
        long n = 0;
        for (String coll : new String[] {"ARGS_GET", "ARGS_POST"}) {
          for (Collection.Entry e : colls.get(coll).entries) {
            n += e.key().length() + e.value().length();
          }
        }
        all.add(new Var(c, null, Long.toString(n)));
      }
      case "REQUEST_HEADERS_COUNT" -> all.add(new Var(c, null, Integer.toString(colls.get("REQUEST_HEADERS").entries.size())));
      default -> {
        Collection coll = colls.get(c);
        if (coll != null) {
          entries(c, c, false, all);
        } else {
          String v = scalars.get(c);
          if (v != null) {
            all.add(new Var(c, null, v));
          }
        }
      }
    }
    List<Var> out = new ArrayList<>(all.size());
    for (Var v : all) {
      if (!c.equals("XML") && !selected(t, v) || excluded(v, exclusions)) {
        continue;
      }
      out.add(v);
    }
    if (t.count()) {
      return List.of(new Var(c, t.key(), Integer.toString(out.size())));
    }
    return out;
  }

  private static boolean selected(Target t, Var v) {
    if (t.key() == null && t.keyRegex() == null) {
      return true;
    }
    if (v.key() == null) {
      return false;
    }
    if (t.keyRegex() != null) {
      return t.keyRegex().matches(v.key());
    }
    return t.key().equalsIgnoreCase(v.key());
  }

  private static boolean excluded(Var v, List<Target> exclusions) {
    for (Target e : exclusions) {
      if (e.selects(v.collection(), v.key())) {
        return true;
      }
    }
    return false;
  }

  private void entries(String coll, String as, boolean names, List<Var> out) {
    for (Collection.Entry e : colls.get(coll).entries) {
      out.add(new Var(as, e.key(), names ? e.key() : e.value()));
    }
  }

  private void xml(Target t, List<Var> out) {
    if (xml == null) {
      return;
    }
    String expr = t.key() == null ? "/*" : t.key();
    try {
      NodeList nodes = (NodeList) XPathFactory.newInstance().newXPath().evaluate(expr, xml, XPathConstants.NODESET);
      for (int i = 0; i < nodes.getLength(); i++) {
        Node n = nodes.item(i);
        String text = n.getTextContent();
        out.add(new Var("XML", null, text == null ? "" : text));
      }
    } catch (Exception e) {
      // invalid XPath: nothing selected
    }
  }
}
