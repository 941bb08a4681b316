package dev.crossgate.policy.validation;

import java.util.Collection;

/** Renders configuration values for messages. */
final class Values {

  private Values() {}

  /** {@code missing} for null, quoted blank strings, {@code []} for empty lists. */
  static String render(Object value) {
    if (value == null) {
      return "missing";
    }
    if (value instanceof String s) {
      return s.isBlank() ? "\"" + s + "\"" : s;
    }
    if (value instanceof Collection<?> c && c.isEmpty()) {
      return "[]";
    }
    return String.valueOf(value);
  }
}
