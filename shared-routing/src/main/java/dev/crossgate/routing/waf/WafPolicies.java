package dev.crossgate.routing.waf;

import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.WafPolicy;
import dev.crossgate.routing.authz.PolicyTarget;
import dev.crossgate.routing.config.ConfigException;
import dev.crossgate.routing.filter.HttpFilter;
import dev.crossgate.waf.WafEngine;
import dev.crossgate.waf.seclang.SecLangException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compiles the WafPolicies of a snapshot into {@link WafFilter}s. Each distinct policy content
 * (its SecLang text) is compiled once and shared by every route it targets; compiled rule sets
 * are kept across compiles, so a reload that leaves a policy unchanged does not parse the Core
 * Rule Set again. Compiling is slow (the CRS takes a while): callers run it off the event loop,
 * as config loading already is.
 */
public final class WafPolicies {

  private final WafMetrics metrics;
  private Map<String, WafEngine> cache = new HashMap<>();

  /** Policies counting into {@code metrics}. */
  public WafPolicies(WafMetrics metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /** Policies with unregistered meters. */
  public static WafPolicies defaults() {
    return new WafPolicies(WafMetrics.unregistered());
  }

  /** The WAF policies of one snapshot. */
  public final class Compiled {
    private record Entry(WafPolicy policy, WafFilter filter) {}

    private final List<Entry> entries;

    private Compiled(List<Entry> entries) {
      this.entries = entries;
    }

    /** The WAF filters of a route rule, in policy order; empty when none targets it. */
    public List<HttpFilter> filtersFor(PolicyTarget target) {
      List<HttpFilter> filters = new ArrayList<>(1);
      for (Entry entry : entries) {
        if (target.matchesAny(entry.policy().spec().targetRefs(),
            entry.policy().metadata().namespace())) {
          filters.add(entry.filter());
        }
      }
      return filters;
    }
  }

  /**
   * Compiles the policies of {@code bundle}, reusing rule sets compiled before for the same text.
   * Nothing is kept from a failed compile.
   *
   * @throws ConfigException naming the policy and the rule file and line when a rule set does
   *     not compile or the CRS folder is missing
   */
  public synchronized Compiled compile(PolicyBundle bundle) throws ConfigException {
    Map<String, WafEngine> used = new HashMap<>();
    List<Compiled.Entry> entries = new ArrayList<>();
    for (WafPolicy policy : bundle.ofKind(WafPolicy.class)) {
      String name = WafPolicy.KIND + " " + policy.metadata().qualifiedName();
      WafPolicy.Spec spec = policy.spec();
      if (spec.crs() != null && !Files.isDirectory(Path.of(spec.crs().path(), "rules"))) {
        throw new ConfigException(name + ": spec.crs.path: " + spec.crs().path()
            + " has no rules/ folder (expected the Core Rule Set folder, e.g."
            + " /usr/share/modsecurity-crs)");
      }
      String text = WafSecLang.of(spec);
      WafEngine engine = used.get(text);
      if (engine == null) {
        engine = cache.get(text);
      }
      if (engine == null) {
        try {
          engine = WafEngine.fromText(text, WafSecLang.baseDir(spec));
        } catch (SecLangException | IllegalArgumentException e) {
          throw new ConfigException(name + ": rules do not compile: " + e.getMessage());
        }
      }
      used.put(text, engine);
      entries.add(new Compiled.Entry(policy,
          new WafFilter(name, engine, WafSecLang.blocks(spec), metrics)));
    }
    cache = used;
    return new Compiled(List.copyOf(entries));
  }

  /** How many distinct rule sets the last compile kept (for tests and diagnostics). */
  public synchronized int cachedRuleSets() {
    return cache.size();
  }
}
