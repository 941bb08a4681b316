package dev.crossgate.policy.schema;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crossgate.policy.model.Doc;
import dev.crossgate.policy.model.GatewayDuration;
import dev.crossgate.policy.model.ObjectMeta;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.model.ResourceKinds;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Generates a JSON Schema (draft 2020-12) per resource kind by walking the model records:
 * component names become properties, {@link Doc} gives descriptions, defaults and enums, and
 * every object has {@code additionalProperties: false}. The schemas check shape and value sets;
 * cross-field rules, references and ranges stay with the validator.
 */
public final class JsonSchemaGenerator {

  /** The JSON Schema dialect of every generated schema. */
  public static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonSchemaGenerator() {}

  /** The schema of {@code kind} (e.g. {@code HTTPRoute}), or empty for an unknown kind. */
  public static Optional<ObjectNode> schemaFor(String kind) {
    requireNonNull(kind, "kind");
    return ResourceKinds.recordOf(kind).map(type -> resourceSchema(kind, type));
  }

  /** Every kind's schema, in the order of {@link ResourceKinds#ALL}. */
  public static Map<String, ObjectNode> allSchemas() {
    Map<String, ObjectNode> schemas = new LinkedHashMap<>();
    ResourceKinds.ALL.forEach((kind, type) -> schemas.put(kind, resourceSchema(kind, type)));
    return schemas;
  }

  private static ObjectNode resourceSchema(String kind, Class<? extends Resource> type) {
    ObjectNode schema = NODES.objectNode();
    schema.put("$schema", DIALECT);
    schema.put("$id", "https://crossgate.dev/schemas/v1alpha1/" + kind + ".json");
    schema.put("title", kind);
    schema.put("type", "object");
    ObjectNode properties = schema.putObject("properties");
    ArrayNode versions = properties.putObject("apiVersion").putArray("enum");
    ResourceKinds.apiVersionsOf(kind).forEach(versions::add);
    properties.putObject("kind").put("const", kind);
    properties.set("metadata", recordSchema(ObjectMeta.class));
    for (RecordComponent component : type.getRecordComponents()) {
      if (component.getName().equals("spec")) {
        properties.set("spec", componentSchema(component));
      }
    }
    ArrayNode required = schema.putArray("required");
    List.of("apiVersion", "kind", "metadata").forEach(required::add);
    schema.put("additionalProperties", false);
    return schema;
  }

  private static ObjectNode recordSchema(Class<?> type) {
    ObjectNode schema = NODES.objectNode();
    schema.put("type", "object");
    ObjectNode properties = schema.putObject("properties");
    for (RecordComponent component : type.getRecordComponents()) {
      properties.set(component.getName(), componentSchema(component));
    }
    schema.put("additionalProperties", false);
    return schema;
  }

  private static ObjectNode componentSchema(RecordComponent component) {
    Doc doc = component.getAnnotation(Doc.class);
    ObjectNode schema = typeSchema(component.getGenericType(), doc);
    if (doc != null) {
      String description = doc.value();
      if (!doc.defaultValue().isEmpty()) {
        description += " Default: " + doc.defaultValue() + ".";
      }
      schema.put("description", description);
    }
    return schema;
  }

  private static ObjectNode typeSchema(Type type, Doc doc) {
    Class<?> raw =
        type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    ObjectNode schema = NODES.objectNode();
    if (raw == String.class) {
      schema.put("type", "string");
      if (doc != null && doc.allowed().length > 0) {
        ArrayNode values = schema.putArray("enum");
        for (String value : doc.allowed()) {
          values.add(value);
        }
      }
    } else if (raw == Integer.class) {
      schema.put("type", "integer");
    } else if (raw == Boolean.class) {
      schema.put("type", "boolean");
    } else if (raw == Instant.class) {
      schema.put("type", "string");
      schema.put("format", "date-time");
    } else if (raw == GatewayDuration.class) {
      schema.put("type", "string");
      schema.put("pattern", GatewayDuration.PATTERN);
    } else if (raw == List.class) {
      schema.put("type", "array");
      schema.set("items", typeSchema(((ParameterizedType) type).getActualTypeArguments()[0], doc));
    } else if (raw == Map.class) {
      schema.put("type", "object");
      schema.putObject("additionalProperties").put("type", "string");
    } else if (raw.isRecord()) {
      return recordSchema(raw);
    } else {
      throw new IllegalStateException("no schema for " + type);
    }
    return schema;
  }
}
