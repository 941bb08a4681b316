package dev.crossgate.waf.rule;

import java.util.List;

/**
 * A compiled, immutable rule set: rules per phase in configuration order, plus engine settings.
 * Shared by all transactions.
 */
public final class RuleSet {

  private final List<List<Rule>> phases;
  private final EngineMode mode;
  private final boolean requestBodyAccess;
  private final boolean responseBodyAccess;
  private final long requestBodyLimit;
  private final boolean requestBodyLimitRejects;
  private final long requestBodyNoFilesLimit;
  private final int argumentsLimit;
  private final int jsonDepthLimit;
  private final String componentSignature;
  private final int ruleCount;

  RuleSet(List<List<Rule>> phases, EngineMode mode, boolean requestBodyAccess, boolean responseBodyAccess,
      long requestBodyLimit, boolean requestBodyLimitRejects, long requestBodyNoFilesLimit, int argumentsLimit, int jsonDepthLimit,
      String componentSignature) {
    this.phases = phases.stream().map(List::copyOf).toList();
    this.mode = mode;
    this.requestBodyAccess = requestBodyAccess;
    this.responseBodyAccess = responseBodyAccess;
    this.requestBodyLimit = requestBodyLimit;
    this.requestBodyLimitRejects = requestBodyLimitRejects;
    this.requestBodyNoFilesLimit = requestBodyNoFilesLimit;
    this.argumentsLimit = argumentsLimit;
    this.jsonDepthLimit = jsonDepthLimit;
    this.componentSignature = componentSignature;
    this.ruleCount = (int) this.phases.stream().flatMap(List::stream).filter(r -> r.marker == null).count();
  }

  /** Rules (and markers) of a phase 1-5 in configuration order. */
  public List<Rule> phase(int phase) {
    return phases.get(phase);
  }

  /** SecRuleEngine. */
  public EngineMode mode() {
    return mode;
  }

  /** SecRequestBodyAccess. */
  public boolean requestBodyAccess() {
    return requestBodyAccess;
  }

  /** SecResponseBodyAccess. */
  public boolean responseBodyAccess() {
    return responseBodyAccess;
  }

  /** SecRequestBodyLimit in bytes. */
  public long requestBodyLimit() {
    return requestBodyLimit;
  }

  /**
   * SecRequestBodyLimitAction: true for Reject (a longer body is refused), false for
   * ProcessPartial (the first {@link #requestBodyLimit()} bytes are inspected).
   */
  public boolean requestBodyLimitRejects() {
    return requestBodyLimitRejects;
  }

  /** SecRequestBodyNoFilesLimit in bytes. */
  public long requestBodyNoFilesLimit() {
    return requestBodyNoFilesLimit;
  }

  /** SecArgumentsLimit: arguments kept per request. */
  public int argumentsLimit() {
    return argumentsLimit;
  }

  /** SecRequestBodyJsonDepthLimit. */
  public int jsonDepthLimit() {
    return jsonDepthLimit;
  }

  /** SecComponentSignature values joined. */
  public String componentSignature() {
    return componentSignature;
  }

  /** Number of rules (chain starters and SecActions, not markers). */
  public int ruleCount() {
    return ruleCount;
  }
}
