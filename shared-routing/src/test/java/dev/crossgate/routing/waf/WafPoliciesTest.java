package dev.crossgate.routing.waf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossgate.policy.model.ObjectMeta;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.TargetRef;
import dev.crossgate.policy.model.WafPolicy;
import dev.crossgate.routing.authz.PolicyTarget;
import dev.crossgate.routing.config.ConfigException;
import dev.crossgate.routing.filter.HttpFilter;
import dev.crossgate.waf.WafEngine;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WafPoliciesTest {

  private static final TargetRef SHOP = new TargetRef(null, "HTTPRoute", "shop", null);
  private static final String RULE =
      "SecRule ARGS:cmd \"@streq rm\" \"id:1001,phase:1,deny,log,msg:'rm'\"\n";

  private final WafPolicies policies = WafPolicies.defaults();

  private static PolicyBundle bundle(String name, String rules, WafPolicy.Crs crs) {
    return new PolicyBundle(List.of(new WafPolicy("crossgate.dev/v1alpha1",
        ObjectMeta.of("default", name), new WafPolicy.Spec(List.of(SHOP), "block", crs, null,
            List.of(), rules, null))));
  }

  private static PolicyTarget route(String name) {
    return new PolicyTarget("HTTPRoute", "default", name, "default/edge", Set.of("http"),
        Set.of());
  }

  private WafFilter filter(PolicyBundle bundle) throws ConfigException {
    List<HttpFilter> filters = policies.compile(bundle).filtersFor(route("shop"));
    assertThat(filters).hasSize(1);
    return (WafFilter) filters.get(0);
  }

  @Test
  void anUnchangedPolicyKeepsItsCompiledRulesAcrossCompiles() throws Exception {
    WafFilter first = filter(bundle("a", RULE, null));
    // another policy name with the same content shares the rules too
    WafFilter again = filter(bundle("b", RULE, null));
    assertThat(again.engine()).isSameAs(first.engine());
    WafFilter changed = filter(bundle("a", RULE + RULE.replace("1001", "1002"), null));
    assertThat(changed.engine()).isNotSameAs(first.engine());
    assertThat(policies.cachedRuleSets()).isEqualTo(1);
  }

  @Test
  void requestBodySettingsBecomeEngineSettings() throws Exception {
    WafPolicy.Spec defaults = new WafPolicy.Spec(List.of(SHOP), "block", null, null, List.of(),
        RULE, null);
    var rules = WafEngine.fromText(WafSecLang.of(defaults), null).rules();
    assertThat(rules.requestBodyAccess()).isTrue();
    assertThat(rules.requestBodyLimit()).isEqualTo(WafPolicy.RequestBody.DEFAULT_LIMIT);
    assertThat(rules.requestBodyLimitRejects()).isTrue();
    WafPolicy.Spec partial = new WafPolicy.Spec(List.of(SHOP), "block", null, null, List.of(),
        RULE, new WafPolicy.RequestBody(null, 2048, "processPartial"));
    rules = WafEngine.fromText(WafSecLang.of(partial), null).rules();
    assertThat(rules.requestBodyLimit()).isEqualTo(2048);
    assertThat(rules.requestBodyLimitRejects()).isFalse();
    WafPolicy.Spec off = new WafPolicy.Spec(List.of(SHOP), "block", null, null, List.of(),
        RULE, new WafPolicy.RequestBody(false, null, null));
    assertThat(WafEngine.fromText(WafSecLang.of(off), null).rules().requestBodyAccess())
        .isFalse();
  }

  @Test
  void onlyTheTargetedRoutesGetTheFilter() throws Exception {
    assertThat(policies.compile(bundle("a", RULE, null)).filtersFor(route("other"))).isEmpty();
  }

  @Test
  void rulesThatDoNotCompileAreRefusedWithThePolicyAndTheLine() throws Exception {
    WafFilter kept = filter(bundle("a", RULE, null));
    assertThatThrownBy(() -> policies.compile(bundle("bad", RULE
        + "SecRule ARGS \"@nosuchop x\" \"id:2,phase:1,deny\"\n", null)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("WafPolicy default/bad: rules do not compile")
        .hasMessageContaining("nosuchop");
    // nothing was half-applied: the earlier rules are still cached
    assertThat(filter(bundle("a", RULE, null)).engine()).isSameAs(kept.engine());
  }

  @Test
  void aMissingCoreRuleSetFolderIsRefused() {
    assertThatThrownBy(() -> policies.compile(bundle("crs", null,
        new WafPolicy.Crs("/nonexistent/crs", 1))))
        .isInstanceOf(ConfigException.class)
        .hasMessage("WafPolicy default/crs: spec.crs.path: /nonexistent/crs has no rules/ folder"
            + " (expected the Core Rule Set folder, e.g. /usr/share/modsecurity-crs)");
  }
}
