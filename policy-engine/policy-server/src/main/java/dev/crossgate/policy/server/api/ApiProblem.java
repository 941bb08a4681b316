package dev.crossgate.policy.server.api;

import dev.crossgate.policy.codec.ConfigProblem;
import java.util.List;

/**
 * A request the API refuses, already decided: the status, the reason and the RFC 9457 fields.
 *
 * @param status the HTTP status
 * @param reason the {@code x-crossgate-error} value and the last segment of the problem type
 * @param title a short, fixed summary of the reason
 * @param detail what exactly was wrong with this request
 * @param problems configuration problems, for invalid policy; empty otherwise
 */
record ApiProblem(int status, String reason, String title, String detail, List<ConfigProblem> problems) {

  ApiProblem {
    problems = List.copyOf(problems);
  }

  static ApiProblem of(int status, String reason, String title, String detail) {
    return new ApiProblem(status, reason, title, detail, List.of());
  }

  static ApiProblem badRequest(String detail) {
    return of(400, "bad_request", "Bad request", detail);
  }

  /** As an exception, to fail a future or a routing context with. */
  Failure failure() {
    return new Failure(this);
  }

  /** Carries an {@link ApiProblem} through a failed future or routing context. */
  static final class Failure extends RuntimeException {

    private final transient ApiProblem problem;

    Failure(ApiProblem problem) {
      super(problem.detail(), null, false, false);
      this.problem = problem;
    }

    ApiProblem problem() {
      return problem;
    }
  }
}
