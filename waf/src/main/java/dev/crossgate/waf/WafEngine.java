package dev.crossgate.waf;

import dev.crossgate.waf.engine.Transaction;
import dev.crossgate.waf.rule.RuleSet;
import dev.crossgate.waf.rule.RuleSetBuilder;
import dev.crossgate.waf.seclang.SecLangParser;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Entry point: compile SecLang configuration once into an immutable {@link RuleSet}, then create one
 * {@link Transaction} per request.
 */
public final class WafEngine {

  private final RuleSet rules;

  private WafEngine(RuleSet rules) {
    this.rules = Objects.requireNonNull(rules);
  }

  /** Wraps an already compiled rule set. */
  public static WafEngine of(RuleSet rules) {
    return new WafEngine(rules);
  }

  /** Compiles inline SecLang text (Include paths resolve against {@code baseDir}). */
  public static WafEngine fromText(String text, Path baseDir) {
    RuleSetBuilder b = new RuleSetBuilder();
    new SecLangParser(b).parse(text, "<inline>", baseDir);
    return new WafEngine(b.build());
  }

  /** The compiled rules. */
  public RuleSet rules() {
    return rules;
  }

  /** Starts a transaction. */
  public Transaction newTransaction() {
    return new Transaction(rules);
  }
}
