package dev.crossgate.waf.engine;

import dev.crossgate.waf.body.JsonBodyParser;
import dev.crossgate.waf.body.MultipartParser;
import dev.crossgate.waf.body.UrlEncodedParser;
import dev.crossgate.waf.body.XmlBodyParser;
import dev.crossgate.waf.operator.OperatorContext;
import dev.crossgate.waf.rule.Disruptive;
import dev.crossgate.waf.rule.EngineMode;
import dev.crossgate.waf.rule.Rule;
import dev.crossgate.waf.rule.RuleAction;
import dev.crossgate.waf.rule.RuleSet;
import dev.crossgate.waf.rule.Target;
import dev.crossgate.waf.rule.TargetParser;
import dev.crossgate.waf.transform.Transformation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.w3c.dom.Document;

/**
 * One request/response pass through a {@link RuleSet}. Not thread-safe; create one per request.
 * Call {@link #processRequest(HttpRequestData)}, optionally {@link #processResponse}, then read
 * {@link #matches()} and {@link #interruption()}.
 */
public final class Transaction implements OperatorContext {

  private final RuleSet rules;
  private final Variables vars;
  private EngineMode mode;
  private final List<MatchEvent> matches = new ArrayList<>();
  private final Set<Long> removedIds = new HashSet<>();
  private final List<long[]> removedRanges = new ArrayList<>();
  private final Map<Long, List<Target>> removedTargets = new HashMap<>();
  private final List<Map.Entry<String, List<Target>>> removedTargetsByTag = new ArrayList<>();
  private final List<String> removedTags = new ArrayList<>();
  private String bodyProcessor;
  private boolean bodyAccess;
  private boolean forceBodyVariable;
  private Interruption interruption;
  private boolean allowed;
  private List<String> captures;
  private Rule currentRule;
  private Rule evaluating;
  private final Map<List<Transformation>, java.util.IdentityHashMap<String, String>> transformCache = new HashMap<>();

  /** A disruptive outcome in {@code On} mode. */
  public record Interruption(long ruleId, Disruptive action, int phase) {
  }

  /** Starts a transaction. */
  public Transaction(RuleSet rules) {
    this.rules = rules;
    this.vars = new Variables(this);
    this.mode = rules.mode();
    this.bodyAccess = rules.requestBodyAccess();
  }

  /** Logged matches so far. */
  public List<MatchEvent> matches() {
    return matches;
  }

  /** The interruption, or null when the request may pass. */
  public Interruption interruption() {
    return interruption;
  }

  /** Ids of all logged rules. */
  public Set<Long> matchedIds() {
    Set<Long> ids = new java.util.LinkedHashSet<>();
    for (MatchEvent m : matches) {
      ids.add(m.ruleId());
    }
    return ids;
  }

  Variables vars() {
    return vars;
  }

  /** Runs phases 1 and 2 over the request. */
  public void processRequest(HttpRequestData req) {
    if (mode == EngineMode.OFF) {
      return;
    }
    vars.loadRequest(req, rules.argumentsLimit());
    String ct = vars.header("content-type");
    if (ct != null) {
      String l = ct.toLowerCase(Locale.ROOT);
      if (l.startsWith("application/x-www-form-urlencoded")) {
        vars.setScalar("REQBODY_PROCESSOR", "URLENCODED");
      } else if (l.startsWith("multipart/form-data")) {
        vars.setScalar("REQBODY_PROCESSOR", "MULTIPART");
      }
    }
    runPhase(1);
    if (stopped()) {
      return;
    }
    if (bodyAccess) {
      processBody(req.body() == null ? "" : new String(req.body(), StandardCharsets.ISO_8859_1));
    }
    runPhase(2);
  }

  /** Runs phases 3 and 4 over a response, then phase 5. */
  public void processResponse(int status, String protocol, List<Map.Entry<String, String>> headers, byte[] body) {
    if (mode == EngineMode.OFF) {
      return;
    }
    vars.loadResponse(status, protocol, headers, rules.responseBodyAccess() && body != null
        ? new String(body, StandardCharsets.ISO_8859_1) : null);
    if (!stopped()) {
      runPhase(3);
    }
    if (!stopped()) {
      runPhase(4);
    }
    runPhase(5);
  }

  private boolean stopped() {
    return interruption != null || allowed;
  }

  private void processBody(String body) {
    String ct = vars.header("content-type");
    String proc = bodyProcessor;
    if (proc == null && ct != null) {
      String l = ct.toLowerCase(Locale.ROOT);
      if (l.startsWith("application/x-www-form-urlencoded")) {
        proc = "URLENCODED";
      } else if (l.startsWith("multipart/form-data")) {
        proc = "MULTIPART";
      }
    }
    // ModSecurity fills REQUEST_BODY for URL-encoded bodies or when forced; JSON too, as Coraza does
    if ("URLENCODED".equals(proc) || "JSON".equals(proc) || proc == null && forceBodyVariable) {
      vars.setBody(body);
    }
    vars.setScalar("REQUEST_BODY_LENGTH", Integer.toString(body.length()));
    if (proc == null) {
      return;
    }
    vars.setScalar("REQBODY_PROCESSOR", proc);
    long limit = rules.requestBodyNoFilesLimit();
    switch (proc) {
      case "URLENCODED" -> {
        if (body.length() > limit) {
          vars.bodyError("Request body (no files) exceeds SecRequestBodyNoFilesLimit");
        }
        UrlEncodedParser.parse(body, rules.argumentsLimit(), (k, v) -> vars.addArg("ARGS_POST", k, v));
      }
      case "JSON" -> {
        try {
          JsonBodyParser.parse(body, rules.jsonDepthLimit(), rules.argumentsLimit(), (k, v) -> vars.addArg("ARGS_POST", k, v));
        } catch (JsonBodyParser.JsonBodyException e) {
          vars.bodyError(e.getMessage());
        }
      }
      case "XML" -> {
        try {
          Document d = XmlBodyParser.parse(body);
          vars.setXml(d);
        } catch (Exception e) {
          vars.bodyError("XML parsing error: " + e.getMessage());
        }
      }
      case "MULTIPART" -> {
        MultipartParser.Result r = MultipartParser.parse(ct, body, rules.argumentsLimit());
        vars.setMultipart(r);
        if (r.error() != null) {
          vars.bodyError(r.error());
        }
      }
      default -> {
      }
    }
  }

  private void runPhase(int phase) {
    if (allowed) {
      return;
    }
    List<Rule> list = rules.phase(phase);
    int i = 0;
    while (i < list.size()) {
      Rule r = list.get(i);
      i++;
      if (r.marker() != null || isRemoved(r)) {
        continue;
      }
      if (evaluateChain(r, phase)) {
        if (r.skipAfter() != null) {
          i = skipAfter(list, i, r.skipAfter());
        } else if (r.skip() > 0) {
          int toSkip = r.skip();
          while (toSkip > 0 && i < list.size()) {
            if (list.get(i).marker() == null) {
              toSkip--;
            }
            i++;
          }
        }
        if (stopped()) {
          return;
        }
      }
    }
  }

  private static int skipAfter(List<Rule> list, int from, String target) {
    for (int j = from; j < list.size(); j++) {
      Rule o = list.get(j);
      if (target.equals(o.marker()) || o.marker() == null && target.equals(Long.toString(o.id()))) {
        return j + 1;
      }
    }
    return list.size();
  }

  private boolean isRemoved(Rule r) {
    if (removedIds.contains(r.id())) {
      return true;
    }
    for (long[] range : removedRanges) {
      if (r.id() >= range[0] && r.id() <= range[1]) {
        return true;
      }
    }
    for (String t : removedTags) {
      if (r.tags().contains(t)) {
        return true;
      }
    }
    return false;
  }

  private boolean evaluateChain(Rule start, int phase) {
    vars.resetMatched();
    Rule r = start;
    while (r != null) {
      if (!evaluateRule(r, start)) {
        return false;
      }
      r = r.chained();
    }
    currentRule = start;
    if (start.log()) {
      matches.add(new MatchEvent(start.id(), phase, start.msg() == null ? "" : expand(start.msg()),
          start.logdata() == null ? "" : expand(start.logdata()), vars.matchedVarName(), vars.matchedVar(),
          start.severity(), start.tags()));
    }
    Disruptive d = start.disruptive();
    if (mode == EngineMode.ON && d != null) {
      switch (d) {
        case DENY, DROP, REDIRECT -> interruption = new Interruption(start.id(), d, phase);
        case ALLOW -> allowed = true;
        default -> {
        }
      }
    }
    return true;
  }

  private boolean evaluateRule(Rule r, Rule start) {
    currentRule = start;
    boolean matched = false;
    if (r.targets().isEmpty()) {
      matched = r.operator().evaluate(this, "") != r.negated();
      if (matched) {
        vars.recordMatch(new Var("", null, ""), "");
        runActions(r);
      }
    } else {
      List<Target> excl = exclusions(r, start);
      for (Target t : r.targets()) {
        for (Var v : vars.resolve(t, excl)) {
          if (matchValue(r, v)) {
            matched = true;
          }
        }
      }
    }
    return matched;
  }

  private List<Target> exclusions(Rule r, Rule start) {
    List<Target> rt = removedTargets.get(start.id());
    if (rt == null && removedTargetsByTag.isEmpty()) {
      return r.exclusions();
    }
    List<Target> all = new ArrayList<>(r.exclusions());
    if (rt != null) {
      all.addAll(rt);
    }
    for (Map.Entry<String, List<Target>> e : removedTargetsByTag) {
      if (start.tags().contains(e.getKey())) {
        all.addAll(e.getValue());
      }
    }
    return all;
  }

  private boolean matchValue(Rule r, Var v) {
    String value = v.value();
    List<Transformation> ts = r.transformations();
    if (r.multiMatch()) {
      if (test(r, value, v)) {
        return true;
      }
      for (Transformation t : ts) {
        String next = t.apply(value);
        if (!next.equals(value)) {
          value = next;
          if (test(r, value, v)) {
            return true;
          }
        }
      }
      return false;
    }
    if (!ts.isEmpty()) {
      // rules share interned transformation lists, so values are transformed once per pipeline
      java.util.IdentityHashMap<String, String> cache = transformCache.computeIfAbsent(ts, k -> new java.util.IdentityHashMap<>());
      String cached = cache.get(v.value());
      if (cached == null) {
        for (Transformation t : ts) {
          value = t.apply(value);
        }
        cache.put(v.value(), value);
      } else {
        value = cached;
      }
    }
    return test(r, value, v);
  }

  private boolean test(Rule r, String value, Var v) {
    captures = null;
    evaluating = r;
    boolean hit = r.operator().evaluate(this, value) != r.negated();
    if (hit) {
      if (r.capture() && captures != null) {
        for (int i = 0; i < captures.size(); i++) {
          vars.setTx(Integer.toString(i), captures.get(i) == null ? "" : captures.get(i));
        }
      }
      vars.recordMatch(v, value);
      // ModSecurity runs a rule's non-disruptive actions once per matched value
      runActions(r);
    }
    return hit;
  }

  @Override
  public boolean captureWanted() {
    return evaluating != null && evaluating.capture();
  }

  @Override
  public void captured(List<String> groups) {
    captures = groups;
  }

  @Override
  public String expand(String text) {
    return Macros.expand(text, this);
  }

  /** Value of {@code rule.xxx} macros for the rule being evaluated. */
  String ruleField(String field) {
    Rule r = currentRule;
    if (r == null) {
      return "";
    }
    return switch (field) {
      case "id" -> Long.toString(r.id());
      case "msg" -> r.msg() == null ? "" : r.msg();
      case "severity" -> r.severity() == null ? "" : r.severity();
      case "phase" -> Integer.toString(r.phase());
      default -> "";
    };
  }

  private void runActions(Rule r) {
    for (RuleAction a : r.actions()) {
      switch (a.name()) {
        case "setvar" -> Setvar.apply(this, expand(a.value()).isEmpty() ? a.value() : a.value());
        case "setenv" -> {
          String s = expand(a.value());
          int eq = s.indexOf('=');
          vars.setEnv(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "1" : s.substring(eq + 1));
        }
        case "ctl" -> ctl(a.value());
        default -> {
        }
      }
    }
  }

  private void ctl(String raw) {
    int eq = raw.indexOf('=');
    if (eq < 0) {
      return;
    }
    String name = raw.substring(0, eq).trim().toLowerCase(Locale.ROOT);
    String value = expand(raw.substring(eq + 1).trim());
    switch (name) {
      case "ruleengine" -> mode = switch (value.toLowerCase(Locale.ROOT)) {
        case "on" -> EngineMode.ON;
        case "off" -> EngineMode.OFF;
        default -> EngineMode.DETECTION_ONLY;
      };
      case "ruleremovebyid" -> {
        for (String p : value.split("[\\s,]+")) {
          int dash = p.indexOf('-', 1);
          try {
            if (dash < 0) {
              removedIds.add(Long.parseLong(p));
            } else {
              removedRanges.add(new long[] {Long.parseLong(p.substring(0, dash)), Long.parseLong(p.substring(dash + 1))});
            }
          } catch (NumberFormatException ignored) {
            // a malformed id removes nothing
          }
        }
      }
      case "ruleremovebytag" -> removedTags.add(value);
      case "ruleremovetargetbyid" -> {
        int semi = value.indexOf(';');
        if (semi > 0) {
          try {
            long id = Long.parseLong(value.substring(0, semi).trim());
            List<Target> ts = excludeAll(TargetParser.parse(value.substring(semi + 1)));
            removedTargets.computeIfAbsent(id, k -> new ArrayList<>()).addAll(ts);
          } catch (RuntimeException ignored) {
            // not an id: ignore like ModSecurity
          }
        }
      }
      case "ruleremovetargetbytag" -> {
        int semi = value.indexOf(';');
        if (semi > 0) {
          removedTargetsByTag.add(Map.entry(value.substring(0, semi), excludeAll(TargetParser.parse(value.substring(semi + 1)))));
        }
      }
      case "requestbodyprocessor" -> {
        bodyProcessor = value.toUpperCase(Locale.ROOT);
        vars.setScalar("REQBODY_PROCESSOR", bodyProcessor);
      }
      case "requestbodyaccess" -> bodyAccess = value.equalsIgnoreCase("on") || value.equalsIgnoreCase("true");
      case "forcerequestbodyvariable" -> forceBodyVariable = value.equalsIgnoreCase("on");
      default -> {
      }
    }
  }

  private static List<Target> excludeAll(List<Target> ts) {
    List<Target> out = new ArrayList<>();
    for (Target t : ts) {
      out.add(new Target(t.collection(), t.key(), t.keyRegex(), false, true));
    }
    return out;
  }

  /** TX collection values (lower-case keys), for tests and audit. */
  public Map<String, String> tx() {
    return new LinkedHashMap<>(vars.txView());
  }
}
