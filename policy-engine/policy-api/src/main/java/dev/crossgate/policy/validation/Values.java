package dev.crossgate.policy.validation;

import java.util.Collection;

/** Renders configuration values for messages. */
final class Values {

  private Values() {}

  /** {@code missing} for null, {@code ""} for empty strings, {@code []} for empty lists. */
  static String render(Object value) {
    if (value == null) {
      return "missing";
    }
    if (value instanceof String s) {
      return s.isEmpty() ? "\"\"" : s;
    }
    if (value instanceof Collection<?> c && c.isEmpty()) {
      return "[]";
    }
    return String.valueOf(value);
  }
}
