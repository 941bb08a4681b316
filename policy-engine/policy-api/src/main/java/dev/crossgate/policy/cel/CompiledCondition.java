package dev.crossgate.policy.cel;

import static java.util.Objects.requireNonNull;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A CEL condition that compiled and type-checked to {@code bool}; safe to share between threads
 * and to evaluate on every request without compiling again.
 */
public final class CompiledCondition {

  private final String expression;
  private final CelRuntime.Program program;

  CompiledCondition(String expression, CelRuntime.Program program) {
    this.expression = expression;
    this.program = program;
  }

  /** The expression as written. */
  public String expression() {
    return expression;
  }

  /**
   * Evaluates the condition. {@code activation} maps the declared variables ({@code request},
   * {@code source}, {@code jwt}, {@code now}) to values: maps of strings for the structured ones
   * (e.g. {@code request -> {method: "GET", path: "/x", headers: {...}}}) and a
   * {@link java.time.Instant} for {@code now}.
   *
   * @throws ConditionEvaluationException when evaluation fails (a missing variable or key, a
   *     wrong runtime type); callers decide whether that denies or allows
   */
  public boolean evaluate(Map<String, ?> activation) {
    requireNonNull(activation, "activation");
    try {
      Object result = program.eval(ConditionCompiler.toCelValues(activation));
      if (result instanceof Boolean b) {
        return b;
      }
      throw new ConditionEvaluationException(
          expression + ": " + result + " (expected: a bool result)", null);
    } catch (CelEvaluationException e) {
      throw new ConditionEvaluationException(expression + ": " + e.getMessage(), e);
    }
  }

  /**
   * Evaluates the condition, asking {@code variables} for a variable only when the expression
   * reads it: a per-request caller builds nothing the expression does not use. Same values and
   * errors as {@link #evaluate(Map)}; {@code variables} answers null for a name it does not know.
   *
   * @throws ConditionEvaluationException when evaluation fails
   */
  public boolean evaluate(Function<String, ?> variables) {
    requireNonNull(variables, "variables");
    CelVariableResolver resolver =
        name -> Optional.ofNullable(ConditionCompiler.toCelValue(name, variables.apply(name)));
    try {
      Object result = program.eval(resolver);
      if (result instanceof Boolean b) {
        return b;
      }
      throw new ConditionEvaluationException(
          expression + ": " + result + " (expected: a bool result)", null);
    } catch (CelEvaluationException e) {
      throw new ConditionEvaluationException(expression + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "CompiledCondition[" + expression + "]";
  }
}
