package dev.crossgate.routing.filter.rewrite;

import dev.crossgate.policy.model.HttpRoute;

/**
 * A compiled Gateway API path modifier: replace the full path, or replace the matched prefix.
 *
 * @param fullPath the new path for {@code ReplaceFullPath}, else null
 * @param prefixReplacement the replacement for {@code ReplacePrefixMatch}, else null
 */
public record PathModifier(String fullPath, String prefixReplacement) {

  /** Compiles the model's path modifier. */
  public static PathModifier of(HttpRoute.PathModifier spec) {
    return "ReplaceFullPath".equals(spec.type())
        ? new PathModifier(spec.replaceFullPath(), null)
        : new PathModifier(null, spec.replacePrefixMatch());
  }

  /**
   * The new path for {@code path}, given the prefix that matched (null when the route did not
   * match on a prefix, in which case a prefix replacement leaves the path unchanged).
   */
  public String apply(String path, String matchedPrefix) {
    if (fullPath != null) {
      return fullPath;
    }
    if (matchedPrefix == null) {
      return path;
    }
    String prefix = trimTrailingSlash(matchedPrefix);
    String rest = path.substring(Math.min(prefix.length(), path.length()));
    String replacement = trimTrailingSlash(prefixReplacement);
    if (rest.isEmpty()) {
      return replacement.isEmpty() ? "/" : replacement;
    }
    return replacement + rest;
  }

  private static String trimTrailingSlash(String value) {
    return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
  }
}
