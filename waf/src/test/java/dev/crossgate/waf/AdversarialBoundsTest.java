package dev.crossgate.waf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.waf.engine.HttpRequestData;
import dev.crossgate.waf.engine.Transaction;
import dev.crossgate.waf.regex.WafRegex;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bounds on hostile input, checked by counts and limits rather than by timing. */
class AdversarialBoundsTest {

  @Test
  void linearEngineUsedWhereRe2Accepts() {
    assertThat(WafRegex.compile("(a+)+$", false).linear()).isTrue();
    assertThat(WafRegex.compile("(a+)+$", false).matches("a".repeat(50_000) + "!")).isFalse();
  }

  @Test
  void backtrackingFallbackGivesUpWithinBudget() {
    WafRegex re = WafRegex.compile("^(a|aa)+\\1$", false);
    assertThat(re.linear()).isFalse();
    // exponential for a backtracker; the step budget ends it with "no match"
    assertThat(re.matches("a".repeat(5000) + "b")).isFalse();
    assertThat(re.matches("aaaa")).isTrue();
  }

  @Test
  void pcreCharacterClassesWithBracketsCompileOnTheFallback() {
    // possessive quantifier forces java.util.regex; '[' inside a class is literal in PCRE
    WafRegex re = WafRegex.compile("^[^\"[\\]{}x]++x[[:digit:]]", false);
    assertThat(re.linear()).isFalse();
    assertThat(re.matches("abx1")).isTrue();
    assertThat(re.matches("a[x1")).isFalse();
  }

  @Test
  void argumentCountIsCappedBySecArgumentsLimit() {
    WafEngine e = WafEngine.fromText("""
        SecArgumentsLimit 100
        SecRule &ARGS "@gt 0" "id:1,phase:1,pass,log,setvar:tx.n=%{MATCHED_VAR}"
        """, null);
    StringBuilder q = new StringBuilder("/?");
    for (int i = 0; i < 50_000; i++) {
      q.append("a").append(i).append("=1&");
    }
    Transaction tx = e.newTransaction();
    tx.processRequest(new HttpRequestData("GET", q.toString(), "HTTP/1.1", List.of(), new byte[0], "1.1.1.1", 1));
    assertThat(tx.tx()).containsEntry("n", "100");
  }

  @Test
  void deepJsonIsAReqbodyErrorNotAStackOverflow() {
    WafEngine e = WafEngine.fromText("""
        SecRequestBodyAccess On
        SecRequestBodyJsonDepthLimit 512
        SecRule REQUEST_HEADERS:Content-Type "^application/json" "id:1,phase:1,pass,nolog,ctl:requestBodyProcessor=JSON"
        SecRule REQBODY_ERROR "!@eq 0" "id:2,phase:2,log,pass"
        """, null);
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    Transaction tx = e.newTransaction();
    tx.processRequest(new HttpRequestData("POST", "/", "HTTP/1.1", List.of(Map.entry("Content-Type", "application/json")),
        deep.getBytes(StandardCharsets.UTF_8), "1.1.1.1", 1));
    assertThat(tx.matchedIds()).containsExactly(2L);
  }
}
