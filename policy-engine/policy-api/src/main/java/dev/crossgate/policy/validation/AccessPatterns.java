package dev.crossgate.policy.validation;

/** Istio-style match patterns used by roles and authorization policies. */
final class AccessPatterns {

  /** What a path pattern looks like, for messages. */
  static final String PATH_EXPECTED = "a path: exact (/x), prefix (/x/*), suffix (*.json) or *";

  /** What a host pattern looks like, for messages. */
  static final String HOST_EXPECTED = "a host: exact, *.-wildcard (*.example.com) or *";

  private AccessPatterns() {}

  /** {@code *}, an exact path {@code /x}, a prefix {@code /x/*} or a suffix {@code *.json}. */
  static boolean isPath(String s) {
    if (s == null || s.isEmpty() || s.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
      return false;
    }
    if (s.equals("*")) {
      return true;
    }
    if (s.startsWith("*")) {
      return s.indexOf('*', 1) < 0;
    }
    if (!s.startsWith("/")) {
      return false;
    }
    int star = s.indexOf('*');
    return star < 0 || star == s.length() - 1;
  }

  /** {@code *}, a host name, or a {@code *.} wildcard. */
  static boolean isHost(String s) {
    return "*".equals(s) || NameSyntax.isHostnameOrWildcard(s);
  }
}
