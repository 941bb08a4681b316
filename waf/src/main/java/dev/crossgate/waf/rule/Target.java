package dev.crossgate.waf.rule;

import dev.crossgate.waf.regex.WafRegex;

/**
 * One rule target such as {@code ARGS}, {@code &REQUEST_HEADERS:Host}, {@code !ARGS:/^id$/}.
 *
 * @param collection upper-case variable or collection name
 * @param key selector key (null for the whole collection)
 * @param keyRegex selector regex when the selector is {@code /regex/}
 * @param count true for {@code &} (count the values)
 * @param exclude true for {@code !} (remove from the rule's targets)
 */
public record Target(String collection, String key, WafRegex keyRegex, boolean count, boolean exclude) {

  /** True when this (exclusion) target selects the given variable name. */
  public boolean selects(String coll, String name) {
    if (!collection.equals(coll)) {
      return false;
    }
    if (key == null && keyRegex == null) {
      return true;
    }
    if (keyRegex != null) {
      return name != null && keyRegex.matches(name);
    }
    return name != null && key.equalsIgnoreCase(name);
  }

  @Override
  public String toString() {
    return (exclude ? "!" : "") + (count ? "&" : "") + collection
        + (key != null ? ":" + key : keyRegex != null ? ":/" + keyRegex.pattern() + "/" : "");
  }
}
