package dev.crossgate.policy.server.store;

import dev.crossgate.policy.codec.ConfigProblem;
import java.util.List;
import java.util.stream.Collectors;

/** The state a change set would produce is invalid; nothing was written. */
public final class InvalidPolicyException extends PolicyStoreException {

  private final List<ConfigProblem> problems;

  public InvalidPolicyException(List<ConfigProblem> problems) {
    super(
        problems.size()
            + " problem(s):\n"
            + problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("problems: [] (expected: at least one problem)");
    }
    this.problems = List.copyOf(problems);
  }

  /** Every problem, sorted by source and line. */
  public List<ConfigProblem> problems() {
    return problems;
  }
}
