package dev.crossgate.policy.model;

import java.util.List;

/**
 * A {@code WafPolicy}: the OWASP Core Rule Set and custom SecRule rules on a gateway listener or
 * route.
 *
 * @param apiVersion the API version
 * @param metadata the metadata
 * @param spec the targets and rule set
 */
public record WafPolicy(
    @Doc("The API version.") String apiVersion,
    @Doc("The metadata.") ObjectMeta metadata,
    @Doc("The targets and rule set.") Spec spec)
    implements Resource {

  /** The kind name as written in YAML. */
  public static final String KIND = "WafPolicy";

  /** The largest accepted {@code customRules} text, in characters. */
  public static final int MAX_CUSTOM_RULES = 65_536;

  @Override
  public String kind() {
    return KIND;
  }

  /**
   * The specification.
   *
   * @param targetRefs what the policy applies to: Gateway (optionally one listener) or HTTPRoute
   * @param mode block: refuse requests over the anomaly threshold; detect: only log; default detect
   * @param crs the OWASP Core Rule Set to load; no CRS when omitted
   * @param anomalyThresholds anomaly score thresholds
   * @param exclusions rules switched off, by id, tag or target
   * @param customRules secRule text added after the CRS, at most 65536 characters
   * @param requestBody whether and how much of the request body is inspected
   */
  public record Spec(
      @Doc("What the policy applies to: Gateway (optionally one listener) or HTTPRoute.")
          List<TargetRef> targetRefs,
      @Doc(value = "block: refuse requests over the anomaly threshold; detect: only log.",
              defaultValue = "detect", allowed = {"block", "detect"})
          String mode,
      @Doc("The OWASP Core Rule Set to load; no CRS when omitted.") Crs crs,
      @Doc("Anomaly score thresholds.") AnomalyThresholds anomalyThresholds,
      @Doc("Rules switched off, by id, tag or target.") List<Exclusion> exclusions,
      @Doc("SecRule text added after the CRS, at most 65536 characters.") String customRules,
      @Doc("Whether and how much of the request body is inspected.") RequestBody requestBody) {
    public Spec {
      targetRefs = targetRefs == null ? List.of() : List.copyOf(targetRefs);
      exclusions = exclusions == null ? List.of() : List.copyOf(exclusions);
    }
  }

  /**
   * Where the Core Rule Set is and how strict it is.
   *
   * @param path the CRS folder on the data plane's host (e.g. /usr/share/modsecurity-crs)
   * @param paranoiaLevel the CRS paranoia level, 1..4; default 1
   */
  public record Crs(
      @Doc("The CRS folder on the data plane's host (e.g. /usr/share/modsecurity-crs).")
          String path,
      @Doc(value = "The CRS paranoia level, 1..4.", defaultValue = "1") Integer paranoiaLevel) {}

  /**
   * Request-body inspection: the gateway buffers the body (up to {@code limit} bytes) so that
   * phase 2 sees it through the URL-encoded, multipart, JSON or XML body processor, then
   * forwards it upstream unchanged.
   *
   * @param inspect whether request bodies are buffered and inspected; default true
   * @param limit the most bytes buffered (SecRequestBodyLimit); default 131072
   * @param limitAction reject: a longer body is refused with 413; processPartial: the first
   *     {@code limit} bytes are inspected and the whole body is forwarded; default reject
   */
  public record RequestBody(
      @Doc(value = "Whether request bodies are buffered and inspected.", defaultValue = "true")
          Boolean inspect,
      @Doc(value = "The most bytes buffered for inspection (SecRequestBodyLimit), >= 1.",
              defaultValue = "131072")
          Integer limit,
      @Doc(value = "reject: refuse a longer body with 413; processPartial: inspect the first"
              + " limit bytes and forward the whole body.",
              defaultValue = "reject", allowed = {"reject", "processPartial"})
          String limitAction) {

    /** The default {@code limit}. */
    public static final int DEFAULT_LIMIT = 131_072;
  }

  /**
   * The anomaly score at which a request or response is blocked.
   *
   * @param inbound inbound threshold, >= 1; default 5
   * @param outbound outbound threshold, >= 1; default 4
   */
  public record AnomalyThresholds(
      @Doc(value = "Inbound threshold, >= 1.", defaultValue = "5") Integer inbound,
      @Doc(value = "Outbound threshold, >= 1.", defaultValue = "4") Integer outbound) {}

  /**
   * Rules switched off: by id, by tag, or only for some targets.
   *
   * @param ruleIds rule ids
   * @param tags rule tags, e.g. attack-sqli
   * @param targets only for these targets (variables), e.g. ARGS:password; everywhere when empty
   */
  public record Exclusion(
      @Doc("Rule ids.") List<Integer> ruleIds,
      @Doc("Rule tags, e.g. attack-sqli.") List<String> tags,
      @Doc("Only for these targets (variables), e.g. ARGS:password; everywhere when empty.")
          List<String> targets) {
    public Exclusion {
      ruleIds = ruleIds == null ? List.of() : List.copyOf(ruleIds);
      tags = tags == null ? List.of() : List.copyOf(tags);
      targets = targets == null ? List.of() : List.copyOf(targets);
    }
  }
}
