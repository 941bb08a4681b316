package dev.crossgate.waf.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads a go-ftw overrides file (the CRS project's {@code *-overrides.yaml} format). */
final class CrsOverrides {

  /** Replacement log expectations for one test, with the reason. */
  record Override(Set<Long> expect, Set<Long> noExpect, String reason) {
    CrsTestCase applyTo(CrsTestCase t) {
      List<CrsTestCase.Stage> stages = new ArrayList<>();
      for (CrsTestCase.Stage s : t.stages()) {
        stages.add(new CrsTestCase.Stage(s.request(), expect, noExpect, s.response()));
      }
      return new CrsTestCase(t.family(), t.ruleId(), t.testId(), stages);
    }
  }

  private CrsOverrides() {
  }

  static Map<String, Override> load(Path file) {
    Map<String, Override> out = new HashMap<>();
    if (file == null || !Files.exists(file)) {
      return out;
    }
    try {
      JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
      for (JsonNode o : root.path("test_overrides")) {
        JsonNode log = o.path("output").path("log");
        if (log.isMissingNode()) {
          continue;
        }
        Set<Long> expect = new LinkedHashSet<>();
        Set<Long> noExpect = new LinkedHashSet<>();
        log.path("expect_ids").forEach(n -> expect.add(n.asLong()));
        log.path("no_expect_ids").forEach(n -> noExpect.add(n.asLong()));
        for (JsonNode id : o.path("test_ids")) {
          out.put(o.path("rule_id").asText() + "-" + id.asText(), new Override(expect, noExpect, o.path("reason").asText()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
