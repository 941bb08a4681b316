package dev.crossgate.waf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossgate.waf.engine.HttpRequestData;
import dev.crossgate.waf.engine.Transaction;
import dev.crossgate.waf.seclang.SecLangException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecLangParserTest {

  private static HttpRequestData get(String uri) {
    return new HttpRequestData("GET", uri, "HTTP/1.1", List.of(Map.entry("Host", "localhost")), new byte[0],
        "10.0.0.1", 1234);
  }

  @Test
  void continuationQuotingChainsAndSetvarMacros() {
    WafEngine e = WafEngine.fromText("""
        SecDefaultAction "phase:1,log,auditlog,pass"
        SecAction "id:1,phase:1,nolog,pass,setvar:'tx.limit=3'"
        SecRule &ARGS "@gt %{tx.limit}" \\
            "id:2,phase:1,block,msg:'too many: %{MATCHED_VAR}',\\
            chain"
            SecRule ARGS_NAMES "@rx ^a" "t:none,t:lowercase,setvar:'tx.score=+%{tx.limit}'"
        """, null);
    Transaction tx = e.newTransaction();
    tx.processRequest(get("/x?A1=1&a2=2&a3=3&b=4"));
    assertThat(tx.matchedIds()).containsExactly(2L);
    assertThat(tx.matches().get(0).message()).isEqualTo("too many: a3");
    // non-disruptive actions run once per matched value: three names match ^a
    assertThat(tx.tx()).containsEntry("score", "9");
  }

  @Test
  void exclusionsRegexSelectorsAndSkipAfter() {
    WafEngine e = WafEngine.fromText("""
        SecRule ARGS|!ARGS:/^safe/ "@contains evil" "id:10,phase:1,log,pass,skipAfter:END"
        SecRule ARGS "@contains evil" "id:11,phase:1,log,pass"
        SecMarker END
        SecRule REQUEST_FILENAME "@endsWith .php" "id:12,phase:1,log,pass"
        """, null);
    Transaction tx = e.newTransaction();
    tx.processRequest(get("/a.php?safe1=evil"));
    assertThat(tx.matchedIds()).containsExactly(11L, 12L);
    tx = e.newTransaction();
    tx.processRequest(get("/a.php?x=evil"));
    assertThat(tx.matchedIds()).containsExactly(10L, 12L);
  }

  @Test
  void denyInterruptsWhenEngineOn() {
    WafEngine e = WafEngine.fromText("""
        SecRuleEngine On
        SecRule REQUEST_URI "@contains attack" "id:20,phase:1,deny,log"
        SecRule REQUEST_URI "@unconditionalMatch" "id:21,phase:1,pass,log"
        """, null);
    Transaction tx = e.newTransaction();
    tx.processRequest(get("/attack"));
    assertThat(tx.interruption()).isNotNull();
    assertThat(tx.interruption().ruleId()).isEqualTo(20L);
    assertThat(tx.matchedIds()).containsExactly(20L);
  }

  @Test
  void jsonBodyBecomesArgs() {
    WafEngine e = WafEngine.fromText("""
        SecRequestBodyAccess On
        SecRule REQUEST_HEADERS:Content-Type "^application/json" "id:1,phase:1,pass,nolog,ctl:requestBodyProcessor=JSON"
        SecRule ARGS:json.a.b.0 "@streq x" "id:2,phase:2,log,pass"
        """, null);
    Transaction tx = e.newTransaction();
    tx.processRequest(new HttpRequestData("POST", "/", "HTTP/1.1", List.of(Map.entry("Content-Type", "application/json")),
        "{\"a\":{\"b\":[\"x\",\"y\"]}}".getBytes(StandardCharsets.UTF_8), "1.2.3.4", 1));
    assertThat(tx.matchedIds()).containsExactly(2L);
  }

  @Test
  void errorsNameLineAndExpectation() {
    assertThatThrownBy(() -> WafEngine.fromText("SecRule ARGS \"@rx a\" \"id:1,phase:2,pass\"\nSecRule BOGUS \"@rx a\" \"id:2\"\n", null))
        .isInstanceOf(SecLangException.class).hasMessageContaining("<inline>:2").hasMessageContaining("unknown variable BOGUS");
    assertThatThrownBy(() -> WafEngine.fromText("SecRuleEngine Maybe\n", null))
        .hasMessageContaining("<inline>:1").hasMessageContaining("expected On, DetectionOnly or Off");
    assertThatThrownBy(() -> WafEngine.fromText("SecRule ARGS \"@rx a\" \"id:1,phase:2,chain\"\n", null))
        .hasMessageContaining("chain");
    assertThatThrownBy(() -> WafEngine.fromText("SecRule ARGS \"@rx a\" \"id:1,t:nosuch\"\n", null))
        .hasMessageContaining("unknown transformation t:nosuch");
    assertThatThrownBy(() -> WafEngine.fromText("SecRule ARGS \"@rx (\" \"id:1\"\n", null))
        .hasMessageContaining("invalid regular expression");
    assertThatThrownBy(() -> WafEngine.fromText("SecAction \"id:1,msg:'unterminated\"\n", null))
        .hasMessageContaining("unterminated quote");
    assertThatThrownBy(() -> WafEngine.fromText("\nSecRequestBodyLimitAction Drop\n", null))
        .hasMessageContaining("<inline>:2").hasMessageContaining("expected Reject or ProcessPartial, found Drop");
  }

  @Test
  void requestBodyLimitSettings() {
    WafEngine defaults = WafEngine.fromText("SecRuleEngine On\n", null);
    assertThat(defaults.rules().requestBodyLimitRejects()).isTrue();
    WafEngine partial = WafEngine.fromText(
        "SecRequestBodyLimit 2048\nSecRequestBodyLimitAction ProcessPartial\n", null);
    assertThat(partial.rules().requestBodyLimit()).isEqualTo(2048);
    assertThat(partial.rules().requestBodyLimitRejects()).isFalse();
    assertThat(WafEngine.fromText("SecRequestBodyLimitAction reject\n", null).rules()
        .requestBodyLimitRejects()).isTrue();
  }
}
