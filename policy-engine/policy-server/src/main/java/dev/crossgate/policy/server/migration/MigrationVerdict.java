package dev.crossgate.policy.server.migration;

import dev.crossgate.policy.model.MeshMigration.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Whether advancing a migration to its next stage looks safe, with plain reasons when not:
 * no traffic since the last change, requests authorization would deny (before {@code enforce}),
 * callers still on plaintext (before {@code strict}), and a rise of the error rate or p99
 * latency after the last change. Notes are worth knowing but block nothing.
 *
 * @param nextStage the next stage, or null at {@code strict}
 * @param safeToAdvance true when there is no reason against it
 * @param reasons why advancing does not look safe
 * @param notes what else the evidence says
 */
record MigrationVerdict(Stage nextStage, boolean safeToAdvance, List<String> reasons,
    List<String> notes) {

  /** An error rate at least this much (absolute) and twice the one before is a rise. */
  static final double ERROR_RATE_RISE = 0.01;
  /** Without a window before, an error rate above this blocks. */
  static final double ERROR_RATE_LIMIT = 0.05;
  /** A p99 at least this many ms and twice the one before is a rise. */
  static final double P99_RISE_MILLIS = 50;

  MigrationVerdict {
    reasons = List.copyOf(reasons);
    notes = List.copyOf(notes);
  }

  /**
   * Judges the evidence.
   *
   * @param stage the current stage
   * @param since what the window after the last change is called ("since revision 7 (…)")
   * @param before the window before the last change, or null when no change was seen
   * @param after the window after the last change (all traffic when no change was seen)
   */
  static MigrationVerdict judge(Stage stage, String since, TrafficCounters before,
      TrafficCounters after) {
    List<String> reasons = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Stage next = stage == Stage.strict ? null : Stage.values()[stage.ordinal() + 1];
    if (next == null) {
      reasons.add("strict is the last stage");
    }
    long requests = after.total(TrafficCounters.REQUESTS);
    if (requests == 0 && stage != Stage.off) {
      reasons.add("no traffic seen " + since);
    }
    long wouldDeny = after.total(TrafficCounters.WOULD_DENY);
    if (wouldDeny > 0) {
      String text = plural(wouldDeny, "request") + " would be denied by "
          + byPolicy(after.policies(), 0);
      (next == Stage.enforce ? reasons : notes).add(text);
    }
    long denied = after.total(TrafficCounters.DENIED);
    if (denied > 0) {
      notes.add(plural(denied, "request") + " " + (denied == 1 ? "was" : "were") + " denied by "
          + byPolicy(after.policies(), 1));
    }
    List<String> plaintext = after.plaintextCallers();
    if (!plaintext.isEmpty()) {
      String text = plural(plaintext.size(), "caller") + " still use"
          + (plaintext.size() == 1 ? "s" : "") + " plaintext: " + String.join(", ", plaintext);
      (next == Stage.strict ? reasons : notes).add(text);
    }
    long refused = after.total(TrafficCounters.REFUSED);
    if (refused > 0) {
      notes.add(plural(refused, "plaintext request") + " refused (strict)");
    }
    OptionalDouble rateAfter = after.errorRate();
    OptionalDouble rateBefore = before == null ? OptionalDouble.empty() : before.errorRate();
    if (rateAfter.isPresent()) {
      double a = rateAfter.getAsDouble();
      if (rateBefore.isPresent()) {
        double b = rateBefore.getAsDouble();
        if (a - b >= ERROR_RATE_RISE && a >= 2 * b) {
          reasons.add("error rate rose from " + percent(b) + " to " + percent(a));
        }
      } else if (a > ERROR_RATE_LIMIT) {
        reasons.add("error rate is " + percent(a) + " " + since);
      }
    }
    OptionalDouble p99After = after.latencyMillis(0.99);
    OptionalDouble p99Before = before == null ? OptionalDouble.empty() : before.latencyMillis(0.99);
    if (p99After.isPresent() && p99Before.isPresent()) {
      double a = p99After.getAsDouble();
      double b = p99Before.getAsDouble();
      if (a - b >= P99_RISE_MILLIS && a >= 2 * b) {
        reasons.add("p99 latency rose from " + millis(b, before.lastBound()) + " to "
            + millis(a, after.lastBound()));
      }
    }
    return new MigrationVerdict(next, reasons.isEmpty(), reasons, notes);
  }

  private static String byPolicy(Map<String, long[]> policies, int index) {
    List<String> parts = new ArrayList<>();
    policies.forEach((policy, counts) -> {
      if (counts[index] > 0) {
        parts.add(policy + " (" + counts[index] + ")");
      }
    });
    return parts.size() == 1 ? parts.get(0).replaceFirst(" \\(\\d+\\)$", "")
        : String.join(", ", parts);
  }

  static String plural(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  static String percent(double rate) {
    return String.format(Locale.ROOT, "%.1f%%", rate * 100);
  }

  /** {@code 5 ms}, {@code 2.5 ms}, or {@code > 10000 ms} above the last bucket's bound. */
  static String millis(double value, double lastBound) {
    if (Double.isInfinite(value)) {
      return "> " + millis(lastBound, 0);
    }
    return (value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value))
        + " ms";
  }
}
