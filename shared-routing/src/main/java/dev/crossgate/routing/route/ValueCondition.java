package dev.crossgate.routing.route;

import dev.crossgate.policy.model.HttpRoute;
import java.util.Locale;
import java.util.regex.Pattern;

/** One compiled header or query parameter condition: an exact value or a full regex match. */
final class ValueCondition {

  private final String name;
  private final String exact;
  private final Pattern pattern;

  private ValueCondition(String name, String exact, Pattern pattern) {
    this.name = name;
    this.exact = exact;
    this.pattern = pattern;
  }

  /** Compiles a header condition; header names are compared case-insensitively. */
  static ValueCondition header(HttpRoute.ValueMatch match) {
    return of(match, match.name().toLowerCase(Locale.ROOT));
  }

  /** Compiles a query parameter condition; parameter names are case-sensitive. */
  static ValueCondition queryParam(HttpRoute.ValueMatch match) {
    return of(match, match.name());
  }

  private static ValueCondition of(HttpRoute.ValueMatch match, String name) {
    String value = match.value() == null ? "" : match.value();
    if ("RegularExpression".equals(match.type())) {
      return new ValueCondition(name, null, Pattern.compile(value));
    }
    return new ValueCondition(name, value, null);
  }

  String name() {
    return name;
  }

  /** Whether a request value (null when absent) satisfies this condition. */
  boolean test(String actual) {
    if (actual == null) {
      return false;
    }
    return pattern == null ? exact.equals(actual) : pattern.matcher(actual).matches();
  }
}
