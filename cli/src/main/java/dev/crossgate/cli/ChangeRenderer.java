package dev.crossgate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints the API's change lists ({@code changes[]} of apply, dry run and diff): one line per
 * resource, and for dry runs and diffs the YAML lines that differ, with a little context.
 */
final class ChangeRenderer {

  private static final int CONTEXT = 2;
  private static final YAMLMapper YAML = YAMLMapper.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .build();

  private ChangeRenderer() {}

  /** {@code added HTTPRoute default/users}, one line per change. */
  static void summary(JsonNode changes, PrintWriter out) {
    for (JsonNode change : changes) {
      out.printf("  %-8s %s%n", change.path("change").asText(), ref(change));
    }
  }

  /** Every change with its YAML difference. */
  static void detailed(JsonNode changes, PrintWriter out) {
    for (JsonNode change : changes) {
      String kind = change.path("change").asText();
      String sign = switch (kind) {
        case "added" -> "+";
        case "removed" -> "-";
        default -> "~";
      };
      out.println(sign + " " + ref(change) + " (" + kind + ")");
      List<String> before = yamlLines(change.path("before"));
      List<String> after = yamlLines(change.path("after"));
      diff(before, after).forEach(line -> out.println("    " + line));
    }
  }

  static String ref(JsonNode change) {
    return change.path("kind").asText() + " " + change.path("namespace").asText() + "/"
        + change.path("name").asText();
  }

  /** The resource as YAML lines; none for a missing or null one. */
  static List<String> yamlLines(JsonNode resource) {
    if (resource == null || resource.isMissingNode() || resource.isNull()) {
      return List.of();
    }
    try {
      return List.of(YAML.writeValueAsString(resource).split("\n"));
    } catch (JsonProcessingException e) {
      return List.of(resource.toString());
    }
  }

  /** The resource as a YAML document without a start marker. */
  static String yaml(JsonNode resource) {
    try {
      return YAML.writeValueAsString(resource);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write YAML", e);
    }
  }

  /**
   * A line diff ({@code "- "}, {@code "+ "}, {@code "  "}) of two small texts by longest common
   * subsequence, keeping {@value #CONTEXT} unchanged lines around each change ({@code ...} marks a
   * gap).
   */
  static List<String> diff(List<String> before, List<String> after) {
    int n = before.size();
    int m = after.size();
    int[][] common = new int[n + 1][m + 1];
    for (int i = n - 1; i >= 0; i--) {
      for (int j = m - 1; j >= 0; j--) {
        common[i][j] = before.get(i).equals(after.get(j)) ? common[i + 1][j + 1] + 1
            : Math.max(common[i + 1][j], common[i][j + 1]);
      }
    }
    List<String> lines = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && before.get(i).equals(after.get(j))) {
        lines.add("  " + before.get(i));
        i++;
        j++;
      } else if (i < n && (j == m || common[i + 1][j] >= common[i][j + 1])) {
        lines.add("- " + before.get(i++));
      } else {
        lines.add("+ " + after.get(j++));
      }
    }
    return withContext(lines);
  }

  private static List<String> withContext(List<String> lines) {
    boolean[] keep = new boolean[lines.size()];
    for (int k = 0; k < lines.size(); k++) {
      if (!lines.get(k).startsWith("  ")) {
        for (int c = Math.max(0, k - CONTEXT); c <= Math.min(lines.size() - 1, k + CONTEXT); c++) {
          keep[c] = true;
        }
      }
    }
    List<String> shown = new ArrayList<>();
    boolean gap = false;
    for (int k = 0; k < lines.size(); k++) {
      if (keep[k]) {
        if (gap && !shown.isEmpty()) {
          shown.add("  ...");
        }
        shown.add(lines.get(k));
        gap = false;
      } else {
        gap = true;
      }
    }
    return shown;
  }
}
