package dev.crossgate.policy.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crossgate.policy.model.ObjectMeta;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.model.ResourceKinds;
import dev.crossgate.policy.validation.NameSuggestions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Turns one {@link SourceDocument} into a {@link Resource} of the kind it names. */
final class ResourceBinder {

  /** Kind name → model record. */
  static final Map<String, Class<? extends Resource>> KINDS = ResourceKinds.ALL;

  private static final List<String> KIND_NAMES = List.copyOf(KINDS.keySet());

  private ResourceBinder() {}

  /**
   * The binding of one document.
   *
   * @param resource the resource, or {@code null} when its kind is missing or unknown
   * @param ref the resource reference used in problems, e.g. {@code HTTPRoute shop/users}
   * @param issues binding problems; the fields they name were left {@code null}
   */
  record Bound(Resource resource, String ref, List<RecordBinder.Issue> issues) {}

  static Bound bind(SourceDocument document) {
    ObjectNode root = document.root();
    JsonNode kindNode = root.get("kind");
    String kind = kindNode != null && kindNode.isTextual() ? kindNode.textValue() : null;
    String ref = refOf(kind, root.get("metadata"));
    List<RecordBinder.Issue> issues = new ArrayList<>();
    String expected = "one of " + String.join(", ", KIND_NAMES);
    if (kindNode == null || kindNode.isNull()) {
      issues.add(new RecordBinder.Issue("kind", "missing (expected: " + expected + ")"));
    } else if (kind == null) {
      issues.add(
          new RecordBinder.Issue(
              "kind", RecordBinder.render(kindNode) + " (expected: " + expected + ")"));
    } else if (!KINDS.containsKey(kind)) {
      issues.add(
          new RecordBinder.Issue(
              "kind", kind + " (expected: " + expected + NameSuggestions.hint(kind, KIND_NAMES) + ")"));
    }
    if (!issues.isEmpty()) {
      return new Bound(null, ref, issues);
    }
    RecordBinder binder = new RecordBinder();
    Resource resource = binder.bindRecord(root, KINDS.get(kind).asSubclass(Record.class), "", List.of("kind"))
        instanceof Resource r ? r : null;
    return new Bound(resource, ref, binder.issues());
  }

  /** {@code Kind ns/name}; just a known kind when the name is not a string; else {@code null}. */
  private static String refOf(String kind, JsonNode metadata) {
    if (kind == null) {
      return null;
    }
    if (metadata == null || !metadata.path("name").isTextual()) {
      return KINDS.containsKey(kind) ? kind : null;
    }
    JsonNode namespace = metadata.path("namespace");
    return kind
        + " "
        + (namespace.isTextual() ? namespace.textValue() : ObjectMeta.DEFAULT_NAMESPACE)
        + "/"
        + metadata.path("name").textValue();
  }
}
