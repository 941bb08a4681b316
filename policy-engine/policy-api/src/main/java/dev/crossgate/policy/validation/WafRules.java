package dev.crossgate.policy.validation;

import dev.crossgate.policy.model.WafPolicy;
import java.util.List;

/** Checks a {@code WafPolicy}: targets, mode, CRS settings, exclusions and custom rules. */
final class WafRules {

  /** WAF policies attach to gateways (or one listener) and HTTP routes. */
  static final List<String> TARGET_KINDS = List.of("Gateway", "HTTPRoute");

  private WafRules() {}

  static void check(WafPolicy policy, BundleIndex index, ProblemList problems) {
    if (policy.metadata() == null) {
      return;
    }
    FieldChecks checks = new FieldChecks(policy, problems);
    WafPolicy.Spec spec = policy.spec();
    if (spec == null) {
      checks.expected("spec", null, "a mapping with targetRefs and crs or customRules");
      return;
    }
    TargetRefRules.check(checks, spec.targetRefs(), TARGET_KINDS, index);
    checks.oneOf("spec.mode", spec.mode(), WafPolicy.Spec.class, "mode");
    if (spec.crs() == null && spec.customRules() == null) {
      problems.add(policy, "spec", "no rules (expected: crs, customRules or both)");
    }
    if (spec.crs() != null) {
      checks.required("spec.crs.path", spec.crs().path(), "the Core Rule Set folder, e.g. /usr/share/modsecurity-crs");
      checks.range("spec.crs.paranoiaLevel", spec.crs().paranoiaLevel(), 1, 4);
    }
    if (spec.anomalyThresholds() != null) {
      checks.atLeast("spec.anomalyThresholds.inbound", spec.anomalyThresholds().inbound(), 1);
      checks.atLeast("spec.anomalyThresholds.outbound", spec.anomalyThresholds().outbound(), 1);
    }
    for (int i = 0; i < spec.exclusions().size(); i++) {
      WafPolicy.Exclusion exclusion = spec.exclusions().get(i);
      String path = "spec.exclusions[" + i + "]";
      if (exclusion == null || exclusion.ruleIds().isEmpty() && exclusion.tags().isEmpty()) {
        checks.expected(path, exclusion == null ? null : "no ruleIds or tags", "ruleIds, tags or both");
        continue;
      }
      for (int j = 0; j < exclusion.ruleIds().size(); j++) {
        checks.atLeast(path + ".ruleIds[" + j + "]", exclusion.ruleIds().get(j), 1);
      }
      for (int j = 0; j < exclusion.tags().size(); j++) {
        checks.required(path + ".tags[" + j + "]", exclusion.tags().get(j), "a rule tag, e.g. attack-sqli");
      }
      for (int j = 0; j < exclusion.targets().size(); j++) {
        checks.required(path + ".targets[" + j + "]", exclusion.targets().get(j), "a variable, e.g. ARGS:password");
      }
    }
    String rules = spec.customRules();
    if (rules != null) {
      if (rules.isBlank()) {
        checks.expected("spec.customRules", rules, "SecRule text, or no customRules field");
      } else if (rules.length() > WafPolicy.MAX_CUSTOM_RULES) {
        problems.add(
            policy,
            "spec.customRules",
            rules.length() + " characters (expected: at most " + WafPolicy.MAX_CUSTOM_RULES + ")");
      }
    }
    if (spec.requestBody() != null) {
      checks.atLeast("spec.requestBody.limit", spec.requestBody().limit(), 1);
      checks.oneOf("spec.requestBody.limitAction", spec.requestBody().limitAction(),
          WafPolicy.RequestBody.class, "limitAction");
    }
  }
}
