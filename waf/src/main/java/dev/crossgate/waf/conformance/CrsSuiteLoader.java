package dev.crossgate.waf.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.crossgate.waf.engine.HttpRequestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Loads CRS regression tests: v4 (go-ftw) and v3 (legacy FTW) YAML. */
public final class CrsSuiteLoader {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern LOG_ID = Pattern.compile("id \"(\\d+)\"");

  private CrsSuiteLoader() {
  }

  /** Loads every {@code *.yaml} under {@code testsDir} (sorted). */
  public static List<CrsTestCase> load(Path testsDir) {
    List<CrsTestCase> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(testsDir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        out.addAll(loadFile(f, f.getParent().getFileName().toString()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static List<CrsTestCase> loadFile(Path f, String family) throws IOException {
    JsonNode root = YAML.readTree(Files.readString(f, StandardCharsets.UTF_8));
    List<CrsTestCase> out = new ArrayList<>();
    String fileRule = root.has("rule_id") ? root.get("rule_id").asText()
        : f.getFileName().toString().replace(".yaml", "");
    for (JsonNode t : root.path("tests")) {
      String testId = t.has("test_id") ? t.get("test_id").asText() : t.path("test_title").asText();
      String ruleId = fileRule;
      if (!t.has("test_id") && testId.matches("\\d+-\\d+")) {
        ruleId = testId.substring(0, testId.indexOf('-'));
        testId = testId.substring(testId.indexOf('-') + 1);
      }
      List<CrsTestCase.Stage> stages = new ArrayList<>();
      for (JsonNode s : t.path("stages")) {
        JsonNode st = s.has("stage") ? s.get("stage") : s;
        JsonNode in = st.path("input");
        JsonNode outp = st.path("output");
        HttpRequestData req = FtwRequestBuilder.build(in);
        Set<Long> expect = new LinkedHashSet<>();
        Set<Long> noExpect = new LinkedHashSet<>();
        JsonNode log = outp.path("log");
        ids(log.path("expect_ids"), expect);
        ids(log.path("no_expect_ids"), noExpect);
        logContains(outp.path("log_contains"), expect);
        logContains(outp.path("no_log_contains"), noExpect);
        stages.add(new CrsTestCase.Stage(req, expect, noExpect, response(req)));
      }
      out.add(new CrsTestCase(family, ruleId, testId, stages));
    }
    return out;
  }

  private static void ids(JsonNode arr, Set<Long> into) {
    for (JsonNode n : arr) {
      into.add(n.asLong());
    }
  }

  private static void logContains(JsonNode n, Set<Long> into) {
    if (n.isMissingNode() || n.isNull()) {
      return;
    }
    Matcher m = LOG_ID.matcher(n.asText());
    while (m.find()) {
      into.add(Long.parseLong(m.group(1)));
    }
  }

  /** go-ftw's albedo backend: POST /reflect with {"status","headers","body"} sets the response. */
  private static CrsTestCase.Response response(HttpRequestData req) {
    if (!req.uri().startsWith("/reflect") || req.body() == null || req.body().length == 0) {
      return new CrsTestCase.Response(200, List.of(Map.entry("Content-Type", "text/html")), new byte[0]);
    }
    try {
      JsonNode j = new ObjectMapper().readTree(req.body());
      List<Map.Entry<String, String>> headers = new ArrayList<>();
      Iterator<Map.Entry<String, JsonNode>> it = j.path("headers").fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        headers.add(Map.entry(e.getKey(), e.getValue().asText()));
      }
      if (headers.stream().noneMatch(e -> e.getKey().equalsIgnoreCase("content-type"))) {
        headers.add(Map.entry("Content-Type", "text/html"));
      }
      String body = j.path("body").asText("");
      if (j.path("encodedBody").isTextual()) {
        body = new String(java.util.Base64.getDecoder().decode(j.path("encodedBody").asText()), StandardCharsets.UTF_8);
      }
      return new CrsTestCase.Response(j.path("status").asInt(200), headers, body.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new CrsTestCase.Response(200, List.of(), new byte[0]);
    }
  }
}
