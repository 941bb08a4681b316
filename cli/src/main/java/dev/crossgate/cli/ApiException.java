package dev.crossgate.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A policy API call that did not succeed, already decided: the exit code and a message that says
 * what to do about it. {@link #problem()} is the API's problem+json body, when it sent one.
 */
final class ApiException extends RuntimeException {

  private final int exitCode;
  private final transient JsonNode problem;

  ApiException(int exitCode, String message, JsonNode problem) {
    super(message, null, false, false);
    this.exitCode = exitCode;
    this.problem = problem;
  }

  ApiException(int exitCode, String message) {
    this(exitCode, message, null);
  }

  int exitCode() {
    return exitCode;
  }

  /** The problem+json body, or {@code null}. */
  JsonNode problem() {
    return problem;
  }
}
