package dev.crossgate.waf.regex;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequiredLiteralsTest {

  @Test
  void literalsOfSequencesAlternationsAndGroups() {
    assertThat(RequiredLiterals.of("union\\s+select")).containsExactly("select");
    assertThat(RequiredLiterals.of("(?i)<script[^>]*>")).containsExactly("<script");
    assertThat(RequiredLiterals.of("(?:foo|bar)baz")).containsExactlyInAnyOrder("foobaz",
        "barbaz");
    assertThat(RequiredLiterals.of("(?i)(?:on(?:load|error)|javascript:)"))
        .containsExactlyInAnyOrder("onload", "onerror", "javascript:");
    assertThat(RequiredLiterals.of("\\x2e\\x2E/etc")).containsExactly("../etc");
    assertThat(RequiredLiterals.of("(?:ab)+cd")).containsExactlyInAnyOrder("ab");
    assertThat(RequiredLiterals.of("\\Q$x.\\E\\d")).containsExactly("$x.");
  }

  @Test
  void nothingWhereAMatchNeedsNoLiteral() {
    for (String pattern : List.of("^.*$", "a?b*", "[a-z]+", "(?:abc|\\d+)", "(?x) a b",
        "\\bfoo\\w\\1", "(?:abc)?", "x{0,3}", "\u00e9t\u00e9", "(?=abc)", "a|")) {
      Set<String> literals = RequiredLiterals.of(pattern);
      if (literals != null) {
        // only allowed when every string really must occur
        assertThat(pattern).as("%s gave %s", pattern, literals).isIn("\\bfoo\\w\\1", "\u00e9t\u00e9");
      }
    }
    assertThat(RequiredLiterals.of("\\bfoo\\w\\1")).containsExactly("foo");
    assertThat(RequiredLiterals.of("\u00e9t\u00e9")).containsExactly("t");
  }

  @Test
  void theScannerFoldsAsciiCaseAndFindsOverlappingLiterals() {
    LiteralScanner scanner = new LiteralScanner(Set.of("select", "elect", "<script", "k"));
    assertThat(scanner.foundIn("xx SeLeC")).isFalse();
    assertThat(scanner.foundIn("xx SELEcT 1")).isTrue();
    assertThat(scanner.foundIn("sselect")).isTrue();
    assertThat(scanner.foundIn("<scrip<SCRIPT>")).isTrue();
    assertThat(scanner.foundIn("\u212A")).isTrue(); // KELVIN SIGN folds to k
    assertThat(new LiteralScanner(Set.of("abab")).foundIn("abaabab")).isTrue();
    assertThat(new LiteralScanner(Set.of("abab")).foundIn("abaaba")).isFalse();
  }

  @Test
  void aPrefilteredRegexAgreesWithTheRegex() {
    WafRegex regex = WafRegex.compile("(?i)union\\s+(?:all\\s+)?select", false);
    assertThat(regex.matches("1 UNION  ALL SELECT 2")).isTrue();
    assertThat(regex.find("1 union select")).containsExactly("union select");
    assertThat(regex.matches("1 union 2")).isFalse();
    assertThat(regex.matches("nothing here")).isFalse();
  }
}
