package dev.crossgate.policy.validation;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** Finds the known name closest to a misspelt one, for "did you mean" hints. */
public final class NameSuggestions {

  private static final int MAX_DISTANCE = 2;

  private NameSuggestions() {}

  /**
   * The known name closest to {@code input} (case-insensitive edit distance at most 2, and less
   * than half the input's length), if any.
   */
  public static Optional<String> closest(String input, Collection<String> known) {
    if (input == null || input.isEmpty()) {
      return Optional.empty();
    }
    String lower = input.toLowerCase(Locale.ROOT);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int distance = distance(lower, candidate.toLowerCase(Locale.ROOT));
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    boolean close =
        bestDistance <= MAX_DISTANCE && (bestDistance == 0 || bestDistance * 2 < input.length());
    return close ? Optional.of(best) : Optional.empty();
  }

  /** {@code "; did you mean `x`?"} when a close name exists, otherwise an empty string. */
  public static String hint(String input, Collection<String> known) {
    return closest(input, known).map(name -> "; did you mean `" + name + "`?").orElse("");
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
