package dev.crossgate.policy.codec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossgate.policy.model.GatewayDuration;
import dev.crossgate.policy.validation.NameSuggestions;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binds a document tree to the model records by their component names, collecting every unknown
 * field and wrong type instead of stopping at the first. A field that cannot be bound is left
 * {@code null} and reported.
 */
final class RecordBinder {

  /** A binding problem inside one document. */
  record Issue(String path, String message) {}

  private static final int MAX_RENDERED = 60;

  private final List<Issue> issues = new ArrayList<>();

  List<Issue> issues() {
    return List.copyOf(issues);
  }

  /** Binds a mapping to a record; {@code extraFields} are accepted and ignored. */
  <T extends Record> T bindRecord(
      JsonNode node, Class<T> type, String path, Collection<String> extraFields) {
    if (!node.isObject()) {
      wrongType(node, "a mapping", path);
      return null;
    }
    RecordComponent[] components = type.getRecordComponents();
    Map<String, Integer> positions = new LinkedHashMap<>();
    for (int i = 0; i < components.length; i++) {
      positions.put(components[i].getName(), i);
    }
    Object[] args = new Object[components.length];
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String fieldPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
      Integer position = positions.get(field.getKey());
      if (position != null) {
        args[position] = bind(field.getValue(), components[position].getGenericType(), fieldPath);
      } else if (!extraFields.contains(field.getKey())) {
        List<String> known = new ArrayList<>(extraFields);
        known.addAll(positions.keySet());
        issues.add(new Issue(fieldPath, unknownField(field.getKey(), known)));
      }
    }
    try {
      Class<?>[] types =
          Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
      Constructor<T> constructor = type.getDeclaredConstructor(types);
      return constructor.newInstance(args);
    } catch (InvocationTargetException e) {
      issues.add(new Issue(path, "invalid (" + e.getCause().getMessage() + ")"));
      return null;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot construct " + type.getName(), e);
    }
  }

  private static String unknownField(String name, List<String> known) {
    return NameSuggestions.closest(name, known)
        .map(close -> "unknown field (did you mean `" + close + "`?)")
        .orElse("unknown field (expected: one of " + String.join(", ", known) + ")");
  }

  private Object bind(JsonNode node, Type type, String path) {
    if (node == null || node.isNull()) {
      return null;
    }
    Class<?> raw = rawClass(type);
    if (raw == String.class) {
      if (node.isTextual()) {
        return node.textValue();
      }
      return wrongType(node, node.isValueNode() ? "a string; put the value in quotes" : "a string", path);
    }
    if (raw == Integer.class) {
      if (node.isIntegralNumber() && node.canConvertToInt()) {
        return node.intValue();
      }
      return wrongType(node, "an integer", path);
    }
    if (raw == Boolean.class) {
      return node.isBoolean() ? node.booleanValue() : wrongType(node, "true or false", path);
    }
    if (raw == Instant.class) {
      return bindInstant(node, path);
    }
    if (raw == GatewayDuration.class) {
      if (!node.isTextual()) {
        return wrongType(node, GatewayDuration.EXPECTED, path);
      }
      return GatewayDuration.parse(node.textValue())
          .orElseGet(() -> (GatewayDuration) wrongType(node, GatewayDuration.EXPECTED, path));
    }
    if (raw == List.class) {
      return bindList(node, ((ParameterizedType) type).getActualTypeArguments()[0], path);
    }
    if (raw == Map.class) {
      return bindStringMap(node, path);
    }
    if (raw.isRecord()) {
      return bindRecord(node, raw.asSubclass(Record.class), path, List.of());
    }
    throw new IllegalStateException("no binding for " + type + " at " + path);
  }

  private Object bindInstant(JsonNode node, String path) {
    String expected = "an RFC 3339 timestamp like 2024-05-01T12:00:00Z";
    if (!node.isTextual()) {
      return wrongType(node, expected, path);
    }
    try {
      return OffsetDateTime.parse(node.textValue()).toInstant();
    } catch (DateTimeParseException e) {
      return wrongType(node, expected, path);
    }
  }

  private List<Object> bindList(JsonNode node, Type elementType, String path) {
    if (!node.isArray()) {
      wrongType(node, "a list", path);
      return null;
    }
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      String itemPath = path + "[" + i + "]";
      JsonNode item = node.get(i);
      if (item.isNull()) {
        issues.add(new Issue(itemPath, "null (expected: a list item)"));
        continue;
      }
      Object value = bind(item, elementType, itemPath);
      if (value != null) {
        values.add(value);
      }
    }
    return values;
  }

  private Map<String, String> bindStringMap(JsonNode node, String path) {
    if (!node.isObject()) {
      wrongType(node, "a mapping of strings", path);
      return null;
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getValue().isTextual()) {
        values.put(field.getKey(), field.getValue().textValue());
      } else {
        wrongType(field.getValue(), "a string; put the value in quotes", path + "." + field.getKey());
      }
    }
    return values;
  }

  private Object wrongType(JsonNode node, String expected, String path) {
    issues.add(new Issue(path, render(node) + " (expected: " + expected + ")"));
    return null;
  }

  /** A short rendering of a value for messages: quoted strings, {@code a mapping}, {@code a list}. */
  static String render(JsonNode node) {
    if (node.isObject()) {
      return "a mapping";
    }
    if (node.isArray()) {
      return "a list";
    }
    String text = node.isTextual() ? node.toString() : node.asText();
    return text.length() > MAX_RENDERED ? text.substring(0, MAX_RENDERED) + "…" : text;
  }

  private static Class<?> rawClass(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    throw new IllegalStateException("unsupported type " + type);
  }
}
