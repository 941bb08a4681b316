package dev.crossgate.policy.codec;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crossgate.policy.model.GatewayDuration;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.Resource;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;

/**
 * Writes policy back out in its YAML shape, for {@code /config_dump} and the CLI. The output
 * loads again with {@link PolicyLoader#loadString} into an equal bundle.
 */
public final class PolicyCodec {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private PolicyCodec() {}

  /**
   * A JSON array of the bundle's resources, each with {@code apiVersion}, {@code kind},
   * {@code metadata} and {@code spec}; null fields and empty lists and maps are omitted.
   */
  public static String toJson(PolicyBundle bundle) {
    requireNonNull(bundle, "bundle");
    ArrayNode array = NODES.arrayNode();
    for (Resource resource : bundle.resources()) {
      array.add(node(resource));
    }
    try {
      return MAPPER.writeValueAsString(array);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * One resource as {@link #toJson(PolicyBundle)} writes it: the bundle's JSON is exactly
   * {@code [} + its resources' JSON joined with {@code ,} + {@code ]}.
   */
  public static String toJson(Resource resource) {
    requireNonNull(resource, "resource");
    try {
      return MAPPER.writeValueAsString(node(resource));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode node(Resource resource) {
    ObjectNode node = NODES.objectNode();
    putIfPresent(node, "apiVersion", resource.apiVersion());
    node.put("kind", resource.kind());
    putIfPresent(node, "metadata", resource.metadata());
    putIfPresent(node, "spec", specOf(resource));
    return node;
  }

  private static Object specOf(Resource resource) {
    for (RecordComponent component : resource.getClass().getRecordComponents()) {
      if (component.getName().equals("spec")) {
        return read(component, resource);
      }
    }
    return null;
  }

  private static void putIfPresent(ObjectNode node, String name, Object value) {
    JsonNode written = write(value);
    if (written != null) {
      node.set(name, written);
    }
  }

  /** The JSON form of a model value, or {@code null} when it should be omitted. */
  private static JsonNode write(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof String s) {
      return NODES.textNode(s);
    }
    if (value instanceof Integer i) {
      return NODES.numberNode(i);
    }
    if (value instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    if (value instanceof GatewayDuration duration) {
      return NODES.textNode(duration.text());
    }
    if (value instanceof Instant instant) {
      return NODES.textNode(instant.toString());
    }
    if (value instanceof Collection<?> items) {
      if (items.isEmpty()) {
        return null;
      }
      ArrayNode array = NODES.arrayNode();
      items.forEach(item -> array.add(write(item)));
      return array;
    }
    if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        return null;
      }
      ObjectNode object = NODES.objectNode();
      map.entrySet().stream()
          .sorted(Map.Entry.comparingByKey((a, b) -> String.valueOf(a).compareTo(String.valueOf(b))))
          .forEach(e -> object.set(String.valueOf(e.getKey()), write(e.getValue())));
      return object;
    }
    if (value instanceof Record record) {
      ObjectNode object = NODES.objectNode();
      for (RecordComponent component : record.getClass().getRecordComponents()) {
        putIfPresent(object, component.getName(), read(component, record));
      }
      return object;
    }
    throw new IllegalArgumentException("cannot write " + value.getClass().getName());
  }

  private static Object read(RecordComponent component, Object record) {
    try {
      return component.getAccessor().invoke(record);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + component, e);
    }
  }
}
