package dev.crossgate.policy.codec;

import dev.crossgate.policy.model.PolicyBundle;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What loading a batch of policy produced: a bundle, or the problems that stop it from being used.
 *
 * <p>When {@link #problems()} is non-empty the batch is rejected as a whole and {@link #bundle()}
 * is {@code null}, so a caller can never apply half of it.
 *
 * @param bundle the loaded and validated bundle; {@code null} when there are problems
 * @param problems every problem found, sorted by source and line
 */
public record LoadResult(PolicyBundle bundle, List<ConfigProblem> problems) {

  public LoadResult {
    problems = problems.stream().sorted(ConfigProblem.ORDER).toList();
    if (!problems.isEmpty()) {
      bundle = null;
    } else if (bundle == null) {
      throw new IllegalArgumentException("bundle: null (expected: a bundle when there are no problems)");
    }
  }

  /** A result with no problems. */
  public static LoadResult of(PolicyBundle bundle) {
    return new LoadResult(bundle, List.of());
  }

  /** A rejected result. */
  public static LoadResult rejected(List<ConfigProblem> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("problems: [] (expected: at least one problem)");
    }
    return new LoadResult(null, problems);
  }

  /** Whether the batch was accepted. */
  public boolean ok() {
    return problems.isEmpty();
  }

  /**
   * The bundle, or an {@link IllegalStateException} whose message lists every problem, one per
   * line; for start-up code that should fail fast on bad configuration.
   */
  public PolicyBundle bundleOrThrow() {
    if (ok()) {
      return bundle;
    }
    throw new IllegalStateException(
        problems.size()
            + " configuration problem(s):\n"
            + problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
  }
}
