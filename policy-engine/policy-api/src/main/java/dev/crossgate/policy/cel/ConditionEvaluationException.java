package dev.crossgate.policy.cel;

/** A compiled condition could not be evaluated against a request's values. */
public final class ConditionEvaluationException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  ConditionEvaluationException(String message, Throwable cause) {
    super(message, cause);
  }
}
