package dev.crossgate.policy.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.crossgate.policy.codec.ConfigProblem;
import dev.crossgate.policy.codec.LoadResult;
import dev.crossgate.policy.codec.PolicyCodec;
import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.model.ObjectMeta;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.server.store.ResourceKey;
import dev.crossgate.policy.validation.ValidationOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads an apply request body into resources, with problems that name the request's own lines.
 *
 * <p>A batch usually refers to resources already stored (a route to its Service). So the body is
 * validated together with the current resources it does not replace, as they are already bound:
 * references resolve, conflicts with stored routes are found, and every line number inside the
 * body is what the user wrote. The stored resources validated when they were stored, so only the
 * batch's resources and the stored ones it can affect are checked again (same result as checking
 * everything). Problems in the stored resources are reported against {@value #STORED}.
 */
final class BatchReader {

  /** The source named by problems found in stored resources. */
  static final String STORED = "stored policy";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();

  /**
   * What a body held: the resources to put, or problems.
   *
   * @param resources the body's resources, when there are no problems
   * @param problems every problem; syntax ones make {@code malformed} true
   * @param malformed whether the body is not even well-formed YAML or JSON
   */
  record Batch(List<Resource> resources, List<ConfigProblem> problems, boolean malformed) {}

  private BatchReader() {}

  static Batch read(String body, boolean json, PolicyBundle stored) {
    if (!json) {
      String start = body.stripLeading();
      json = start.startsWith("{") || start.startsWith("[");
    }
    String source = json ? "request.json" : "request.yaml";
    Set<ResourceKey> requested = keysOf(body, json);
    List<Resource> kept =
        stored.resources().stream().filter(r -> !requested.contains(ResourceKey.of(r))).toList();
    Set<ResourceKey> keptKeys = new HashSet<>();
    kept.forEach(r -> keptKeys.add(ResourceKey.of(r)));
    // Stored resources are used as they are, already bound: not re-encoded and re-parsed. They
    // validated when stored, so only the batch and what it can affect are checked again.
    Set<String> replaced = new HashSet<>();
    requested.forEach(key -> replaced.add(key.ref()));
    LoadResult result = PolicyLoader.loadChange(
        source, body, ValidationOptions.ALL_LISTENER_PROTOCOLS, kept, replaced);
    if (!result.ok()) {
      List<ConfigProblem> problems =
          result.problems().stream()
              .map(p -> p.source() == null && p.resource() != null
                  ? new ConfigProblem(STORED, 0, p.resource(), p.path(), p.message())
                  : p)
              .distinct()
              .toList();
      boolean malformed =
          problems.stream()
              .anyMatch(p -> p.resource() == null && p.message().startsWith("invalid " + (source.endsWith("json") ? "JSON" : "YAML")));
      return new Batch(List.of(), problems, malformed);
    }
    List<Resource> resources =
        result.bundle().resources().stream()
            .filter(r -> !keptKeys.contains(ResourceKey.of(r)))
            .toList();
    if (resources.isEmpty()) {
      return new Batch(
          List.of(),
          List.of(new ConfigProblem(source, 0, null, null, "no resources (expected: at least one YAML document or JSON object)")),
          true);
    }
    return new Batch(resources, List.of(), false);
  }

  /** Multi-document YAML of a bundle, each document starting with {@code ---}. */
  static String yamlOf(PolicyBundle bundle) {
    try {
      StringBuilder out = new StringBuilder();
      for (JsonNode resource : JSON.readTree(PolicyCodec.toJson(bundle))) {
        out.append(YAML.writeValueAsString(resource));
      }
      return out.toString();
    } catch (IOException e) {
      throw new IllegalStateException("cannot write YAML", e);
    }
  }

  /** The keys the body names, as far as it can be read; unreadable documents are skipped. */
  private static Set<ResourceKey> keysOf(String body, boolean json) {
    Set<ResourceKey> keys = new HashSet<>();
    if (json) {
      addKeys(body, JSON, keys);
    } else {
      StringBuilder chunk = new StringBuilder();
      for (String line : body.split("\n", -1)) {
        if (line.startsWith("---")) {
          addKeys(chunk.toString(), YAML, keys);
          chunk.setLength(0);
        } else {
          chunk.append(line).append('\n');
        }
      }
      addKeys(chunk.toString(), YAML, keys);
    }
    return keys;
  }

  private static void addKeys(String text, ObjectMapper mapper, Set<ResourceKey> keys) {
    if (text.isBlank()) {
      return;
    }
    try (MappingIterator<JsonNode> values = mapper.readerFor(JsonNode.class).readValues(text)) {
      while (values.hasNextValue()) {
        JsonNode value = values.nextValue();
        if (value.isArray()) {
          value.forEach(item -> addKey(item, keys));
        } else {
          addKey(value, keys);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Syntax problems are reported by PolicyLoader, with line and column.
    }
  }

  private static void addKey(JsonNode document, Set<ResourceKey> keys) {
    JsonNode kind = document.path("kind");
    JsonNode name = document.path("metadata").path("name");
    if (kind.isTextual() && name.isTextual()) {
      JsonNode namespace = document.path("metadata").path("namespace");
      keys.add(
          new ResourceKey(
              kind.textValue(),
              namespace.isTextual() ? namespace.textValue() : ObjectMeta.DEFAULT_NAMESPACE,
              name.textValue()));
    }
  }
}
