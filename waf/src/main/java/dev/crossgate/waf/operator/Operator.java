package dev.crossgate.waf.operator;

/** A compiled SecLang operator. Implementations are immutable and thread-safe. */
@FunctionalInterface
public interface Operator {

  /** Evaluates the operator against one (transformed) value. */
  boolean evaluate(OperatorContext ctx, String input);
}
