package dev.crossgate.policy.validation;

import dev.crossgate.policy.codec.ConfigProblem;
import dev.crossgate.policy.model.Resource;
import java.util.ArrayList;
import java.util.List;

/** Collects the problems of one validation run, locating each through a {@link SourceLocator}. */
final class ProblemList {

  private final SourceLocator locator;
  private final List<ConfigProblem> problems = new ArrayList<>();

  ProblemList(SourceLocator locator) {
    this.locator = locator;
  }

  /** Adds {@code path: value (expected: expected)}. */
  void expected(Resource resource, String path, Object value, String expected) {
    add(resource, path, Values.render(value) + " (expected: " + expected + ")");
  }

  /** Adds a problem with a ready-made message. */
  void add(Resource resource, String path, String message) {
    problems.add(
        new ConfigProblem(
            locator.source(resource),
            locator.line(resource, path),
            refOf(resource),
            path,
            message));
  }

  /** Where the field was written, e.g. {@code routes.yaml:12}, or {@code null}. */
  String locate(Resource resource, String path) {
    ConfigProblem probe =
        new ConfigProblem(locator.source(resource), locator.line(resource, path), null, null, "");
    return probe.location();
  }

  List<ConfigProblem> toList() {
    return List.copyOf(problems);
  }

  /**
   * {@code Kind ns/name}, or just the kind for resources without metadata or name; the same rule
   * as the codec's, so problems about one resource read alike.
   */
  static String refOf(Resource resource) {
    if (resource.metadata() == null || resource.metadata().name() == null) {
      return resource.kind();
    }
    return resource.ref();
  }
}
