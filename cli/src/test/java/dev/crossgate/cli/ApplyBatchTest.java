package dev.crossgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The YAML stream {@code apply} sends, and the way back to the user's file and line. */
class ApplyBatchTest {

  private final ApplyBatch batch = ApplyBatch.ofTexts(List.of(
      new String[] {"a.yaml", "kind: Service\nmetadata:\n  name: a\n"},
      new String[] {"b.yaml", "---\nkind: Service\nmetadata:\n  name: b"},
      new String[] {"c.json", "{\n\t\"kind\": \"Service\"\n}"}));

  private static JsonNode problem(String source, int line, String resource, String message) {
    ObjectNode problem = JsonNodeFactory.instance.objectNode();
    problem.put("source", source);
    problem.put("line", line);
    problem.put("resource", resource);
    problem.put("path", resource == null ? null : "spec");
    problem.put("message", message);
    return problem;
  }

  @Test
  void eachFileStartsWithAMarkerAndKeepsItsLines() {
    assertThat(batch.body()).isEqualTo("""
        --- # a.yaml
        kind: Service
        metadata:
          name: a
        --- # b.yaml
        ---
        kind: Service
        metadata:
          name: b
        --- # c.json
        {
         "kind": "Service"
        }
        """);
    assertThat(batch.parts()).extracting(ApplyBatch.Part::firstLine).containsExactly(2, 6, 11);
  }

  @Test
  void streamLinesMapBackToFileLines() {
    assertThat(batch.locate(problem("request.yaml", 3, "Service default/a", "bad")))
        .isEqualTo("a.yaml:2: Service default/a: spec: bad");
    assertThat(batch.locate(problem("request.yaml", 9, "Service default/b", "bad")))
        .isEqualTo("b.yaml:4: Service default/b: spec: bad");
    assertThat(batch.locate(problem("request.yaml", 12, null,
        "invalid YAML (line 12, column 3): oops")))
        .isEqualTo("c.json:2: invalid YAML (line 2, column 3): oops");
  }

  @Test
  void aProblemWithoutALineIsPlacedByItsResource() {
    assertThat(batch.locate(problem("request.yaml", 0, "Service default/b", "bad")))
        .isEqualTo("b.yaml: Service default/b: spec: bad");
  }

  @Test
  void storedPolicyProblemsKeepTheirSourceAndMapLinesInTheMessage() {
    assertThat(batch.locate(problem("stored policy", 0, "HTTPRoute x/y",
        "conflicts with HTTPRoute default/a (request.yaml:7)")))
        .isEqualTo("stored policy: HTTPRoute x/y: spec: conflicts with HTTPRoute default/a "
            + "(b.yaml:2)");
  }
}
