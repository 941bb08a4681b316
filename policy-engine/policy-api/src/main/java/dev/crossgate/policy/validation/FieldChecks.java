package dev.crossgate.policy.validation;

import dev.crossgate.policy.model.AllowedValues;
import dev.crossgate.policy.model.GatewayDuration;
import dev.crossgate.policy.model.Resource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Small, reusable checks of one resource's fields, each reporting {@code path: value (expected: …)}. */
final class FieldChecks {

  private final Resource resource;
  private final ProblemList problems;

  FieldChecks(Resource resource, ProblemList problems) {
    this.resource = resource;
    this.problems = problems;
  }

  Resource resource() {
    return resource;
  }

  ProblemList problems() {
    return problems;
  }

  void expected(String path, Object value, String expected) {
    problems.expected(resource, path, value, expected);
  }

  /** An optional integer within {@code min..max}. */
  void range(String path, Integer value, int min, int max) {
    if (value != null && (value < min || value > max)) {
      expected(path, value, min + ".." + max);
    }
  }

  /** An optional integer at least {@code min}. */
  void atLeast(String path, Integer value, int min) {
    if (value != null && value < min) {
      expected(path, value, ">= " + min);
    }
  }

  /** An optional value from the {@code @Doc(allowed)} list of {@code type.component}. */
  boolean oneOf(String path, String value, Class<? extends Record> type, String component) {
    return oneOf(path, value, AllowedValues.of(type, component));
  }

  /** An optional value from {@code allowed}; true when absent or allowed. */
  boolean oneOf(String path, String value, List<String> allowed) {
    if (value == null || allowed.contains(value)) {
      return true;
    }
    expected(path, value, "one of " + String.join(", ", allowed) + NameSuggestions.hint(value, allowed));
    return false;
  }

  /** A present, non-blank string. */
  boolean required(String path, String value, String expected) {
    if (value == null || value.isBlank()) {
      expected(path, value, expected);
      return false;
    }
    return true;
  }

  /** An optional duration greater than zero and at most {@code maxMillis} (0: no maximum). */
  void positive(String path, GatewayDuration duration, long maxMillis, String maxText) {
    if (duration == null) {
      return;
    }
    if (duration.duration().isZero()) {
      expected(path, duration, "a duration greater than 0");
    } else if (maxMillis > 0 && duration.toMillis() > maxMillis) {
      expected(path, duration, "at most " + maxText);
    }
  }

  /** Every item once; reports repeats as {@code item (expected: each value once; also at …)}. */
  void unique(String path, List<?> items) {
    Map<Object, Integer> seen = new HashMap<>();
    for (int i = 0; i < items.size(); i++) {
      Integer first = seen.putIfAbsent(items.get(i), i);
      if (first != null) {
        expected(path + "[" + i + "]", items.get(i), "each value once; also " + path + "[" + first + "]");
      }
    }
  }
}
