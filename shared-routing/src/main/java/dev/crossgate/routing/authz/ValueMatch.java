package dev.crossgate.routing.authz;

import java.util.List;
import java.util.Locale;

/**
 * An Istio string match: {@code *} (any non-empty value), {@code prefix*}, {@code *suffix} or an
 * exact value; optionally case-insensitive (hosts).
 */
final class ValueMatch {

  private enum Kind { ANY, PREFIX, SUFFIX, EXACT }

  private final Kind kind;
  private final String value;
  private final boolean ignoreCase;

  private ValueMatch(Kind kind, String value, boolean ignoreCase) {
    this.kind = kind;
    this.value = value;
    this.ignoreCase = ignoreCase;
  }

  static ValueMatch of(String pattern, boolean ignoreCase) {
    String p = ignoreCase ? pattern.toLowerCase(Locale.ROOT) : pattern;
    if (p.equals("*")) {
      return new ValueMatch(Kind.ANY, "", ignoreCase);
    }
    if (p.endsWith("*")) {
      return new ValueMatch(Kind.PREFIX, p.substring(0, p.length() - 1), ignoreCase);
    }
    if (p.startsWith("*")) {
      return new ValueMatch(Kind.SUFFIX, p.substring(1), ignoreCase);
    }
    return new ValueMatch(Kind.EXACT, p, ignoreCase);
  }

  static List<ValueMatch> all(List<String> patterns, boolean ignoreCase) {
    return patterns.stream().map(p -> of(p, ignoreCase)).toList();
  }

  boolean matches(String candidate) {
    if (candidate == null) {
      return false;
    }
    String c = ignoreCase ? candidate.toLowerCase(Locale.ROOT) : candidate;
    return switch (kind) {
      case ANY -> !c.isEmpty();
      case PREFIX -> c.startsWith(value);
      case SUFFIX -> c.endsWith(value);
      case EXACT -> c.equals(value);
    };
  }

  /** Whether any pattern matches {@code candidate}. */
  static boolean any(List<ValueMatch> patterns, String candidate) {
    for (ValueMatch pattern : patterns) {
      if (pattern.matches(candidate)) {
        return true;
      }
    }
    return false;
  }
}
