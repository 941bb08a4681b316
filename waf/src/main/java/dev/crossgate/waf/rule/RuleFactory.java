package dev.crossgate.waf.rule;

import dev.crossgate.waf.operator.Operators;
import dev.crossgate.waf.transform.Transformation;
import dev.crossgate.waf.transform.Transformations;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns the parts of a SecRule / SecAction / SecMarker into {@link Rule} objects. */
public final class RuleFactory {

  private static final java.util.Map<List<String>, List<Transformation>> INTERNED = new java.util.concurrent.ConcurrentHashMap<>();

  private RuleFactory() {
  }

  /** One shared immutable list per distinct pipeline, so transactions can cache transformed values. */
  static List<Transformation> intern(List<Transformation> ts) {
    List<String> names = ts.stream().map(t -> t.name().toLowerCase(Locale.ROOT)).toList();
    return INTERNED.computeIfAbsent(names, k -> List.copyOf(ts));
  }

  /** Creates a SecMarker. */
  public static Rule marker(String name, String source, int line) {
    Rule r = new Rule();
    r.marker = name;
    r.source = source;
    r.line = line;
    return r;
  }

  /**
   * Creates a rule.
   *
   * @param variables variable list (null for SecAction)
   * @param operator operator text (null for SecAction)
   * @param actions action list text
   * @param parent previous rule of the chain, or null
   * @param defaults SecDefaultAction items by phase
   * @throws IllegalArgumentException naming what was wrong
   */
  public static Rule create(String variables, String operator, String actions, Rule parent, Path baseDir,
      Map<Integer, List<ActionParser.Item>> defaults, String source, int line) {
    Rule r = new Rule();
    r.source = source;
    r.line = line;
    if (variables != null) {
      for (Target t : TargetParser.parse(variables)) {
        (t.exclude() ? r.exclusions : r.targets).add(t);
      }
    }
    if (operator != null) {
      String op = operator.trim();
      if (op.startsWith("!")) {
        r.negated = true;
        op = op.substring(1).trim();
      }
      if (op.startsWith("@")) {
        int sp = op.indexOf(' ');
        r.operatorName = sp < 0 ? op.substring(1) : op.substring(1, sp);
        r.operatorParam = sp < 0 ? "" : op.substring(sp + 1);
      } else {
        r.operatorName = "rx";
        r.operatorParam = op;
      }
    }
    r.operator = Operators.compile(r.operatorName, r.operatorParam, baseDir);
    List<ActionParser.Item> items = ActionParser.parse(actions == null ? "" : actions);
    if (parent != null) {
      r.parent = parent;
      r.phase = parent.phase;
      parent.chained = r;
      for (ActionParser.Item it : items) {
        apply(r, it, true);
      }
      r.transformations = intern(r.transformations);
      return r;
    }
    int phase = 2;
    for (ActionParser.Item it : items) {
      if (it.name().equalsIgnoreCase("phase")) {
        phase = parsePhase(it.value());
      }
    }
    List<ActionParser.Item> def = defaults.get(phase);
    if (def != null) {
      for (ActionParser.Item it : def) {
        String n = it.name().toLowerCase(Locale.ROOT);
        if (!n.equals("id") && !n.equals("phase")) {
          apply(r, it, false);
        }
      }
    }
    Disruptive defaultDisruptive = r.disruptive == null ? Disruptive.PASS : r.disruptive;
    r.disruptive = null;
    for (ActionParser.Item it : items) {
      apply(r, it, false);
    }
    r.phase = phase;
    r.transformations = intern(r.transformations);
    if (r.disruptive == null || r.disruptive == Disruptive.BLOCK) {
      r.disruptive = defaultDisruptive;
    }
    return r;
  }

  static int parsePhase(String v) {
    if (v == null) {
      throw new IllegalArgumentException("phase needs a value (1-5, request, response or logging)");
    }
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "1" -> 1;
      case "2", "request" -> 2;
      case "3" -> 3;
      case "4", "response" -> 4;
      case "5", "logging" -> 5;
      default -> throw new IllegalArgumentException("bad phase '" + v + "' (expected 1-5, request, response or logging)");
    };
  }

  private static void apply(Rule r, ActionParser.Item it, boolean chainedRule) {
    String name = it.name().toLowerCase(Locale.ROOT);
    String v = it.value();
    switch (name) {
      case "id" -> {
        try {
          r.id = Long.parseLong(v.trim());
        } catch (RuntimeException e) {
          throw new IllegalArgumentException("bad rule id '" + v + "' (expected a number)");
        }
      }
      case "phase" -> r.phase = parsePhase(v);
      case "chain" -> r.chainNext = true;
      case "t" -> {
        if (v == null) {
          throw new IllegalArgumentException("t: needs a transformation name");
        }
        if (v.equalsIgnoreCase("none")) {
          r.transformations = new ArrayList<>();
        } else {
          Transformation t = Transformations.byName(v.trim());
          if (t == null) {
            throw new IllegalArgumentException("unknown transformation t:" + v);
          }
          r.transformations.add(t);
        }
      }
      case "capture" -> r.capture = true;
      case "multimatch" -> r.multiMatch = true;
      case "msg" -> r.msg = v;
      case "logdata" -> r.logdata = v;
      case "tag" -> r.tags.add(v);
      case "severity" -> r.severity = v;
      case "ver" -> r.ver = v;
      case "log", "auditlog" -> {
        if (name.equals("log")) {
          r.log = true;
        }
      }
      case "nolog" -> r.log = false;
      case "noauditlog", "rev", "maturity", "accuracy", "status", "xmlns", "exec", "sanitisearg",
          "sanitisematched", "sanitisematchedbytes", "sanitiserequestheader", "sanitiseresponseheader", "append",
          "prepend", "proxy", "pause" -> {
      }
      case "skip" -> r.skip = Integer.parseInt(v.trim());
      case "skipafter" -> r.skipAfter = v.trim();
      case "pass" -> r.disruptive = Disruptive.PASS;
      case "deny" -> r.disruptive = Disruptive.DENY;
      case "drop" -> r.disruptive = Disruptive.DROP;
      case "redirect" -> r.disruptive = Disruptive.REDIRECT;
      case "allow" -> r.disruptive = Disruptive.ALLOW;
      case "block" -> r.disruptive = Disruptive.BLOCK;
      case "setvar", "setenv", "ctl", "initcol", "expirevar", "deprecatevar", "setuid", "setsid", "setrsc" -> {
        if (v == null) {
          throw new IllegalArgumentException(name + " needs a value");
        }
        r.actions.add(new RuleAction(name, v));
      }
      default -> throw new IllegalArgumentException("unknown action '" + it.name() + "'");
    }
    if (chainedRule && (name.equals("id") || name.equals("phase"))) {
      throw new IllegalArgumentException("a chained rule may not set " + name);
    }
  }
}
