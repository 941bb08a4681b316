package dev.crossgate.waf.rule;

/** Disruptive actions; {@code BLOCK} defers to the phase's SecDefaultAction. */
public enum Disruptive {
  /** Keep going. */
  PASS,
  /** Stop and reject. */
  DENY,
  /** Stop and drop the connection (treated as deny). */
  DROP,
  /** Stop and redirect (treated as deny). */
  REDIRECT,
  /** Stop processing rules and let the transaction through. */
  ALLOW,
  /** Whatever the default action says. */
  BLOCK
}
