package dev.crossgate.policy.server.store;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crossgate.policy.codec.PolicyCodec;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.Resource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The JSON documents the store keeps. Each is one string value, so any key-value storage with a
 * compare-and-set can hold them:
 *
 * <ul>
 *   <li>head: {@code {"revision": {...}, "changes": [...]}} — the record of the revision that
 *       made the current state, nothing more: a revision writes only what it changed. The state
 *       is the last checkpoint at or below it plus the records after that. (Heads written before
 *       this also hold {@code "resources": {key: resource}}, the whole state; they are still
 *       read.)
 *   <li>revision record: {@code {"revision": {...}, "changes": [{"key": k, "resource": r|null}]}};
 *   <li>checkpoint: {@code {"revision": {...}, "resources": {...}}}.
 * </ul>
 */
final class StoreDocuments {

  static final ObjectMapper JSON = new ObjectMapper();

  private StoreDocuments() {}

  /** A revision record: the metadata and the change list (key → JSON, null for a delete). */
  record RevisionRecord(Revision revision, SortedMap<ResourceKey, ObjectNode> changes) {}

  /**
   * A parsed head: the current state and the record of its revision.
   *
   * @param state the current state; null in a head just parsed from a document without one
   *     (the store derives it from its previous state or from checkpoint and records)
   */
  record Head(String raw, StoredState state, RevisionRecord last) {

    static Head initial() {
      StoredState state = StoredState.initial();
      return new Head(null, state, new RevisionRecord(state.revision(), new TreeMap<>()));
    }
  }

  /** The canonical JSON of one resource, as {@link PolicyCodec#toJson} writes it. */
  static ObjectNode resourceJson(Resource resource) {
    JsonNode array = parse(PolicyCodec.toJson(new PolicyBundle(List.of(resource))));
    return (ObjectNode) array.get(0);
  }

  /** A head: the new revision's record, as {@link #record} writes it. */
  static String head(Revision revision, Map<ResourceKey, ObjectNode> changes) {
    return record(revision, changes);
  }

  /**
   * Parses a head. Its state is null unless the document holds the whole state (as heads
   * written before heads held only the last record did).
   */
  static Head parseHead(String raw) {
    if (raw == null) {
      return Head.initial();
    }
    JsonNode root = parse(raw);
    Revision revision = revision(root.get("revision"));
    StoredState state = root.has("resources")
        ? new StoredState(revision, resources(root.get("resources"))) : null;
    return new Head(raw, state, new RevisionRecord(revision, changes(root.get("changes"))));
  }

  /**
   * Only the revision of a head document; cheap, because the revision is written first.
   */
  static Revision revisionOfHead(String raw) {
    try (JsonParser parser = JSON.createParser(raw)) {
      parser.nextToken();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        parser.nextToken();
        if (name.equals("revision")) {
          return revision(parser.readValueAsTree());
        }
        parser.skipChildren();
      }
      throw new IllegalStateException("head without a revision");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String record(Revision revision, Map<ResourceKey, ObjectNode> changes) {
    ObjectNode root = JSON.createObjectNode();
    root.set("revision", revisionJson(revision));
    root.set("changes", changesJson(changes));
    return root.toString();
  }

  static RevisionRecord parseRecord(String raw) {
    JsonNode root = parse(raw);
    return new RevisionRecord(revision(root.get("revision")), changes(root.get("changes")));
  }

  static String checkpoint(StoredState state) {
    ObjectNode root = JSON.createObjectNode();
    root.set("revision", revisionJson(state.revision()));
    root.set("resources", resourcesJson(state.resources()));
    return root.toString();
  }

  static StoredState parseCheckpoint(String raw) {
    JsonNode root = parse(raw);
    return new StoredState(revision(root.get("revision")), resources(root.get("resources")));
  }

  /** The resources as one JSON array, the shape {@code PolicyLoader} reads back. */
  static String array(Map<ResourceKey, ObjectNode> resources) {
    ArrayNode array = JSON.createArrayNode();
    resources.values().forEach(array::add);
    return array.toString();
  }

  static ObjectNode revisionJson(Revision revision) {
    ObjectNode node = JSON.createObjectNode();
    node.put("number", revision.number());
    node.put("time", revision.time().toString());
    node.put("author", revision.author());
    node.put("message", revision.message());
    node.put("created", revision.created());
    node.put("updated", revision.updated());
    node.put("deleted", revision.deleted());
    return node;
  }

  private static Revision revision(JsonNode node) {
    return new Revision(
        node.path("number").asLong(),
        Instant.parse(node.path("time").asText()),
        node.path("author").asText(),
        node.path("message").asText(),
        node.path("created").asInt(),
        node.path("updated").asInt(),
        node.path("deleted").asInt());
  }

  private static ArrayNode changesJson(Map<ResourceKey, ObjectNode> changes) {
    ArrayNode array = JSON.createArrayNode();
    changes.forEach(
        (key, json) -> {
          ObjectNode change = array.addObject();
          change.put("key", key.toString());
          change.set("resource", json == null ? JSON.nullNode() : json);
        });
    return array;
  }

  private static SortedMap<ResourceKey, ObjectNode> changes(JsonNode array) {
    SortedMap<ResourceKey, ObjectNode> changes = new TreeMap<>();
    if (array != null) {
      for (JsonNode change : array) {
        JsonNode resource = change.get("resource");
        changes.put(
            ResourceKey.parse(change.path("key").asText()),
            resource instanceof ObjectNode object ? object : null);
      }
    }
    return changes;
  }

  private static ObjectNode resourcesJson(Map<ResourceKey, ObjectNode> resources) {
    ObjectNode node = JSON.createObjectNode();
    resources.forEach((key, json) -> node.set(key.toString(), json));
    return node;
  }

  private static SortedMap<ResourceKey, ObjectNode> resources(JsonNode node) {
    SortedMap<ResourceKey, ObjectNode> resources = new TreeMap<>();
    if (node != null) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        resources.put(ResourceKey.parse(entry.getKey()), (ObjectNode) entry.getValue());
      }
    }
    return resources;
  }

  static JsonNode parse(String raw) {
    try {
      return JSON.readTree(raw);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
