package dev.crossgate.cli.inject;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Injects the sidecar into every workload of a multi-document YAML manifest. Workloads
 * (Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Pod)
 * get the sidecar; every other document, a workload that opts out, and a workload whose
 * injection would change nothing (already injected with the same settings) is written back
 * byte for byte. Either the whole input is injected or, on the first problem, nothing is.
 */
public final class ManifestInjector {

  /** A document starts at a line that begins with {@code ---} (YAML 1.2, 9.2). */
  private static final Pattern DOCUMENT_START = Pattern.compile("^---(\\s.*)?$");

  /** Where each workload kind keeps its pod template ({@code ""}: the document is the pod). */
  private static final Map<String, String> TEMPLATES = Map.of(
      "Deployment", "spec.template",
      "StatefulSet", "spec.template",
      "DaemonSet", "spec.template",
      "ReplicaSet", "spec.template",
      "ReplicationController", "spec.template",
      "Job", "spec.template",
      "CronJob", "spec.jobTemplate.spec.template",
      "Pod", "");

  private final YAMLMapper reader;
  private final YAMLMapper writer;
  private final PodTemplateInjector injector;

  /** An injector with these settings. */
  public ManifestInjector(SidecarSettings settings) {
    this.injector = new PodTemplateInjector(requireNonNull(settings, "settings"));
    this.reader = YAMLMapper.builder()
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .build();
    this.writer = YAMLMapper.builder(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .build())
        .build();
  }

  /** What came out: the manifest and how many workloads were changed or left as they were. */
  public record Result(String yaml, int injected, int unchanged) {}

  /**
   * The manifest with every workload injected.
   *
   * @param source the file name used in messages ({@code -} for standard input)
   * @throws InjectionException for YAML that does not parse, or a workload that cannot carry
   *     the sidecar (no containers, host network, no app port, the app running as the
   *     sidecar's UID)
   */
  public Result inject(String source, String yaml) throws InjectionException {
    requireNonNull(source, "source");
    StringBuilder out = new StringBuilder(yaml.length() + 2048);
    int injected = 0;
    int unchanged = 0;
    for (Chunk chunk : split(yaml)) {
      JsonNode document = parse(source, chunk);
      if (document == null || !document.isObject()) {
        out.append(chunk.text());
        continue;
      }
      String location = source + ":" + chunk.firstLine() + ": ";
      ObjectNode changed = ((ObjectNode) document).deepCopy();
      int[] counts = new int[2];
      if ("List".equals(document.path("kind").asText()) && changed.path("items").isArray()) {
        // What `kubectl get … -o yaml` prints for several objects.
        JsonNode items = changed.get("items");
        for (int i = 0; i < items.size(); i++) {
          if (items.get(i) instanceof ObjectNode item) {
            count(counts, injectWorkload(item, "items[" + i + "].", location));
          }
        }
      } else {
        count(counts, injectWorkload(changed, "", location));
      }
      if (counts[0] == 0) {
        out.append(chunk.text());
      } else {
        out.append(chunk.text().startsWith("---") ? "---\n" : "").append(serialize(changed));
      }
      injected += counts[0];
      unchanged += counts[1];
    }
    return new Result(out.toString(), injected, unchanged);
  }

  private enum Outcome { INJECTED, UNCHANGED, NOT_A_WORKLOAD }

  private static void count(int[] counts, Outcome outcome) {
    if (outcome == Outcome.INJECTED) {
      counts[0]++;
    } else if (outcome == Outcome.UNCHANGED) {
      counts[1]++;
    }
  }

  /** Injects into one object (changed in place) if it is a workload. */
  private Outcome injectWorkload(ObjectNode object, String prefix, String location)
      throws InjectionException {
    String kind = object.path("kind").asText(null);
    if (kind == null || !TEMPLATES.containsKey(kind)) {
      return Outcome.NOT_A_WORKLOAD;
    }
    ObjectNode before = object.deepCopy();
    String where = location + prefix.replaceAll("\\.$", " ") + kind + " " + name(object) + ": ";
    String templatePath = TEMPLATES.get(kind);
    ObjectNode template = templatePath.isEmpty() ? object : locate(object, templatePath);
    if (template == null) {
      throw new InjectionException(
          where + templatePath + ": missing (expected: a pod template)", false);
    }
    if (PodTemplateInjector.optedOut(template)) {
      return Outcome.UNCHANGED;
    }
    try {
      injector.inject(template, templatePath,
          object.path("metadata").path("name").asText(kind.toLowerCase(java.util.Locale.ROOT)));
    } catch (PodTemplateInjector.Refusal refusal) {
      String message = refusal.getMessage();
      throw new InjectionException(
          where + (message.startsWith(".") ? message.substring(1) : message), false);
    }
    return object.equals(before) ? Outcome.UNCHANGED : Outcome.INJECTED;
  }

  private JsonNode parse(String source, Chunk chunk) throws InjectionException {
    try {
      JsonNode node = reader.readTree(chunk.text());
      return node == null || node.isMissingNode() || node.isNull() ? null : node;
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getLineNr());
      throw new InjectionException(source + ":" + (chunk.firstLine() + line - 1)
          + ": invalid YAML: " + yamlProblem(e)
          + " (expected: Kubernetes manifests as YAML documents)", true);
    }
  }

  /** SnakeYAML's context and problem lines, without its position and source excerpt. */
  private static String yamlProblem(JsonProcessingException e) {
    // Context and problem lines start at column 0; positions and excerpts are indented.
    return e.getOriginalMessage().lines()
        .filter(line -> !line.isBlank() && !line.startsWith(" "))
        .map(String::strip)
        .reduce((a, b) -> a + "; " + b)
        .orElse("unreadable");
  }

  private String serialize(JsonNode document) {
    try {
      return writer.writeValueAsString(document);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write YAML: " + e.getOriginalMessage(), e);
    }
  }

  private static ObjectNode locate(ObjectNode document, String path) {
    JsonNode node = document;
    for (String field : path.split("\\.")) {
      node = node.get(field);
      if (node == null || !node.isObject()) {
        return null;
      }
    }
    return (ObjectNode) node;
  }

  private static String name(JsonNode document) {
    JsonNode metadata = document.path("metadata");
    String name = metadata.path("name").asText("<unnamed>");
    String namespace = metadata.path("namespace").asText(null);
    return namespace == null ? name : namespace + "/" + name;
  }

  /** The documents of {@code yaml}, each with its start marker line, if any. */
  static List<Chunk> split(String yaml) {
    List<Chunk> chunks = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    int firstLine = 1;
    int line = 0;
    int start = 0;
    while (start < yaml.length()) {
      int end = yaml.indexOf('\n', start);
      end = end < 0 ? yaml.length() : end + 1;
      String text = yaml.substring(start, end);
      line++;
      if (DOCUMENT_START.matcher(text.stripTrailing()).matches()) {
        if (line > 1) {
          chunks.add(new Chunk(current.toString(), firstLine));
        }
        current.setLength(0);
        firstLine = line;
      }
      current.append(text);
      start = end;
    }
    chunks.add(new Chunk(current.toString(), firstLine));
    return chunks;
  }

  /** One document's text as it was (its start marker line included) and its first line. */
  record Chunk(String text, int firstLine) {}
}
