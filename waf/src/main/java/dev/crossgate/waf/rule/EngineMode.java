package dev.crossgate.waf.rule;

/** SecRuleEngine. */
public enum EngineMode {
  /** Evaluate and enforce disruptive actions. */
  ON,
  /** Evaluate and log, never disrupt. */
  DETECTION_ONLY,
  /** Do not evaluate. */
  OFF
}
