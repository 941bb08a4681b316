package dev.crossgate.waf.rule;

import dev.crossgate.waf.regex.WafRegex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Collects rules and settings while configuration files are read; {@link #build()} freezes them. */
public final class RuleSetBuilder {

  private final List<Rule> rules = new ArrayList<>();
  private final Map<Integer, List<ActionParser.Item>> defaults = new HashMap<>();
  private EngineMode mode = EngineMode.DETECTION_ONLY;
  private boolean requestBodyAccess;
  private boolean responseBodyAccess;
  private long requestBodyLimit = 13_107_200;
  private long requestBodyNoFilesLimit = 131_072;
  private boolean requestBodyLimitRejects = true;
  private int argumentsLimit = 1000;
  private int jsonDepthLimit = 1024;
  private final StringBuilder signature = new StringBuilder();

  /** Defaults per phase for new rules. */
  public Map<Integer, List<ActionParser.Item>> defaults() {
    return defaults;
  }

  /** SecDefaultAction: must name a phase and a disruptive action. */
  public void defaultAction(String actions) {
    List<ActionParser.Item> items = ActionParser.parse(actions);
    Integer phase = null;
    for (ActionParser.Item it : items) {
      if (it.name().equalsIgnoreCase("phase")) {
        phase = RuleFactory.parsePhase(it.value());
      }
    }
    if (phase == null) {
      throw new IllegalArgumentException("SecDefaultAction needs a phase (e.g. \"phase:1,log,auditlog,pass\")");
    }
    defaults.put(phase, items);
  }

  /** Adds a rule chain starter, SecAction or marker. */
  public void add(Rule r) {
    if (r.marker == null && r.id == 0) {
      throw new IllegalArgumentException("rule has no id (expected id:NNN in the actions)");
    }
    if (r.marker == null) {
      for (Rule o : rules) {
        if (o.id == r.id) {
          throw new IllegalArgumentException("duplicate rule id " + r.id + " (first defined at " + o.source + ":" + o.line + ")");
        }
      }
    }
    rules.add(r);
  }

  /** The last rule added, for chaining. */
  public Rule last() {
    return rules.isEmpty() ? null : rules.get(rules.size() - 1);
  }

  /** SecRuleRemoveById: ids and ranges ("1-100"), space separated. */
  public void removeById(String spec) {
    for (String part : spec.trim().split("[\\s,]+")) {
      long[] range = parseRange(part);
      rules.removeIf(r -> r.marker == null && r.id >= range[0] && r.id <= range[1]);
    }
  }

  /** SecRuleRemoveByTag: tag regex. */
  public void removeByTag(String tagRegex) {
    WafRegex re = WafRegex.compile(tagRegex, false);
    rules.removeIf(r -> r.marker == null && r.tags.stream().anyMatch(re::matches));
  }

  /** SecRuleRemoveByMsg: message regex. */
  public void removeByMsg(String msgRegex) {
    WafRegex re = WafRegex.compile(msgRegex, false);
    rules.removeIf(r -> r.marker == null && r.msg != null && re.matches(r.msg));
  }

  /** SecRuleUpdateTargetById: adds (or excludes) targets of rules by id or range. */
  public void updateTargetById(String spec, String targets) {
    List<Target> ts = TargetParser.parse(targets);
    for (String part : spec.trim().split("[\\s,]+")) {
      long[] range = parseRange(part);
      for (Rule r : rules) {
        if (r.marker == null && r.id >= range[0] && r.id <= range[1]) {
          addTargets(r, ts);
        }
      }
    }
  }

  /** SecRuleUpdateTargetByTag. */
  public void updateTargetByTag(String tagRegex, String targets) {
    List<Target> ts = TargetParser.parse(targets);
    WafRegex re = WafRegex.compile(tagRegex, false);
    for (Rule r : rules) {
      if (r.marker == null && r.tags.stream().anyMatch(re::matches)) {
        addTargets(r, ts);
      }
    }
  }

  private static void addTargets(Rule r, List<Target> ts) {
    for (Target t : ts) {
      (t.exclude() ? r.exclusions : r.targets).add(t);
    }
  }

  static long[] parseRange(String part) {
    try {
      int dash = part.indexOf('-', 1);
      if (dash < 0) {
        long v = Long.parseLong(part);
        return new long[] {v, v};
      }
      return new long[] {Long.parseLong(part.substring(0, dash)), Long.parseLong(part.substring(dash + 1))};
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad rule id or range '" + part + "' (expected 123 or 100-199)");
    }
  }

  /** SecRuleEngine. */
  public void mode(EngineMode m) {
    this.mode = m;
  }

  /** SecRequestBodyAccess. */
  public void requestBodyAccess(boolean on) {
    this.requestBodyAccess = on;
  }

  /** SecResponseBodyAccess. */
  public void responseBodyAccess(boolean on) {
    this.responseBodyAccess = on;
  }

  /** SecRequestBodyLimit. */
  public void requestBodyLimit(long bytes) {
    this.requestBodyLimit = bytes;
  }

  /** SecRequestBodyLimitAction: Reject (true, the default) or ProcessPartial (false). */
  public void requestBodyLimitRejects(boolean rejects) {
    this.requestBodyLimitRejects = rejects;
  }

  /** SecRequestBodyNoFilesLimit. */
  public void requestBodyNoFilesLimit(long bytes) {
    this.requestBodyNoFilesLimit = bytes;
  }

  /** SecArgumentsLimit. */
  public void argumentsLimit(int n) {
    this.argumentsLimit = n;
  }

  /** SecRequestBodyJsonDepthLimit. */
  public void jsonDepthLimit(int n) {
    this.jsonDepthLimit = n;
  }

  /** SecComponentSignature. */
  public void componentSignature(String s) {
    if (signature.length() > 0) {
      signature.append("; ");
    }
    signature.append(s);
  }

  /** Freezes the configuration into a rule set. */
  public RuleSet build() {
    List<List<Rule>> phases = new ArrayList<>();
    for (int p = 0; p <= 5; p++) {
      phases.add(new ArrayList<>());
    }
    for (Rule r : rules) {
      if (r.marker != null) {
        for (int p = 1; p <= 5; p++) {
          phases.get(p).add(r);
        }
      } else {
        phases.get(r.phase).add(r);
      }
    }
    return new RuleSet(phases, mode, requestBodyAccess, responseBodyAccess, requestBodyLimit,
        requestBodyLimitRejects, requestBodyNoFilesLimit, argumentsLimit, jsonDepthLimit, signature.toString());
  }
}
