package dev.crossgate.waf.rule;

import dev.crossgate.waf.operator.Operator;
import dev.crossgate.waf.transform.Transformation;
import java.util.ArrayList;
import java.util.List;

/**
 * One SecRule / SecAction / SecMarker. Built by the parser, then never changed once the rule set is
 * compiled ({@link RuleSet} only hands out read-only views).
 */
public final class Rule {
  // identity and location
  long id;
  String source;
  int line;
  int phase = 2;
  String marker;
  // matching
  final List<Target> targets = new ArrayList<>();
  final List<Target> exclusions = new ArrayList<>();
  Operator operator;
  boolean negated;
  String operatorName = "unconditionalMatch";
  String operatorParam = "";
  List<Transformation> transformations = new ArrayList<>();
  boolean multiMatch;
  boolean capture;
  // actions
  final List<RuleAction> actions = new ArrayList<>();
  Disruptive disruptive;
  Boolean log;
  String msg;
  String logdata;
  String severity;
  String ver;
  final List<String> tags = new ArrayList<>();
  int skip;
  String skipAfter;
  Rule chained;
  Rule parent;
  boolean chainNext;

  /** True when the next rule in the file continues this chain. */
  public boolean expectsChain() {
    return chainNext;
  }

  Rule() {
  }

  /** Rule id (0 for chained rules and markers). */
  public long id() {
    return id;
  }

  /** Configuration file the rule came from. */
  public String source() {
    return source;
  }

  /** Line of the rule in its file. */
  public int line() {
    return line;
  }

  /** Phase 1-5. */
  public int phase() {
    return phase;
  }

  /** Marker name when this is a SecMarker, else null. */
  public String marker() {
    return marker;
  }

  /** Targets (without exclusions). */
  public List<Target> targets() {
    return targets;
  }

  /** Excluded targets ({@code !VAR}). */
  public List<Target> exclusions() {
    return exclusions;
  }

  /** The operator. */
  public Operator operator() {
    return operator;
  }

  /** True for {@code !@op}. */
  public boolean negated() {
    return negated;
  }

  /** Operator name without {@code @}. */
  public String operatorName() {
    return operatorName;
  }

  /** Transformation pipeline. */
  public List<Transformation> transformations() {
    return transformations;
  }

  /** True when the operator runs after every transformation step. */
  public boolean multiMatch() {
    return multiMatch;
  }

  /** True when regex groups are captured into TX:0..9. */
  public boolean capture() {
    return capture;
  }

  /** Non-disruptive actions in order. */
  public List<RuleAction> actions() {
    return actions;
  }

  /** Disruptive action (resolved against the default action). */
  public Disruptive disruptive() {
    return disruptive;
  }

  /** True when a match is logged. */
  public boolean log() {
    return log == null || log;
  }

  /** Message with unexpanded macros. */
  public String msg() {
    return msg;
  }

  /** Log data with unexpanded macros. */
  public String logdata() {
    return logdata;
  }

  /** Severity, may be null. */
  public String severity() {
    return severity;
  }

  /** Tags. */
  public List<String> tags() {
    return tags;
  }

  /** Rules to skip after a match. */
  public int skip() {
    return skip;
  }

  /** Marker (or rule id) to continue after on a match, or null. */
  public String skipAfter() {
    return skipAfter;
  }

  /** The next rule of the chain, or null. */
  public Rule chained() {
    return chained;
  }

  /** The rule that starts this chain (itself for a chain starter). */
  public Rule chainStart() {
    Rule r = this;
    while (r.parent != null) {
      r = r.parent;
    }
    return r;
  }

  @Override
  public String toString() {
    return marker != null ? "SecMarker " + marker : "rule " + chainStart().id + " (" + source + ":" + line + ")";
  }
}
