package dev.crossgate.waf.regex;

import java.util.List;

/**
 * A compiled regular expression as SecLang's {@code @rx} needs it: PCRE-style, dot matches newline,
 * evaluated in linear time by RE2/J, or, for the few patterns RE2/J cannot compile (backreferences,
 * lookarounds), by {@code java.util.regex} under a hard step budget. Either way most inputs never
 * reach the engine: a literal prefilter checks first that the input holds one of the literals
 * every match must contain.
 */
public interface WafRegex {

  /** Finds the first match; returns null when none, else group texts (group 0 first, null for unset). */
  List<String> find(String input);

  /** True when the pattern is found anywhere in the input. */
  default boolean matches(String input) {
    return find(input) != null;
  }

  /** The source pattern. */
  String pattern();

  /** True when RE2/J runs this pattern (linear time). */
  boolean linear();

  /**
   * Test aid: when on, every input a literal prefilter turns away is also run through the
   * regex, and a match there throws {@link IllegalStateException} (the prefilter was unsound).
   * Off by default; the CRS conformance tests switch it on.
   */
  static void verifyPrefilters(boolean on) {
    RegexCompiler.verifyPrefilters = on;
  }

  /** Compiles {@code pattern} with PCRE semantics: dot-all, optionally case-insensitive. */
  static WafRegex compile(String pattern, boolean caseInsensitive) {
    return RegexCompiler.compile(pattern, caseInsensitive);
  }
}
