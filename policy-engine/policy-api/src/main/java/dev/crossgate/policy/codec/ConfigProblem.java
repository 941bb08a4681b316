package dev.crossgate.policy.codec;

import java.util.Comparator;

/**
 * One thing wrong with a configuration, precise enough to fix without guessing.
 *
 * <p>{@link #toString()} renders it like {@code routes.yaml:14: HTTPRoute shop/users:
 * spec.rules[2].backendRefs[0].weight: -1 (expected: 0..1000000)}; unknown parts are omitted.
 *
 * @param source the file or source name; {@code null} for resources built in code
 * @param line the 1-based line, or 0 when unknown
 * @param resource the resource reference, e.g. {@code HTTPRoute shop/users}; {@code null} when
 *     the problem is not about one resource (for example a syntax error)
 * @param path the field path inside the resource, e.g. {@code spec.rules[0].matches}; {@code null}
 *     or empty for the resource as a whole
 * @param message what is wrong, in the form {@code value (expected: ...)}
 */
public record ConfigProblem(String source, int line, String resource, String path, String message) {

  /** Orders problems by source, then line, then resource, path and message. */
  public static final Comparator<ConfigProblem> ORDER =
      Comparator.comparing(ConfigProblem::source, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparingInt(ConfigProblem::line)
          .thenComparing(ConfigProblem::resource, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(ConfigProblem::path, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(ConfigProblem::message, Comparator.nullsFirst(Comparator.naturalOrder()));

  public ConfigProblem {
    if (line < 0) {
      throw new IllegalArgumentException("line: " + line + " (expected: >= 0)");
    }
    message = message == null ? "invalid" : message;
  }

  /** {@code source:line}, {@code source}, {@code line N} or {@code null} when nothing is known. */
  public String location() {
    if (source != null) {
      return line > 0 ? source + ":" + line : source;
    }
    return line > 0 ? "line " + line : null;
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    String location = location();
    if (location != null) {
      out.append(location).append(": ");
    }
    if (resource != null) {
      out.append(resource).append(": ");
    }
    if (path != null && !path.isEmpty()) {
      out.append(path).append(": ");
    }
    return out.append(message).toString();
  }
}
