package dev.crossgate.cli;

import dev.crossgate.policy.model.MeshMigration.Stage;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides one {@code crossgate migrate} step: from the current state and the requested stage
 * and/or weight to the new stage and weight, or a refusal that says why and what the next allowed
 * step is. Stages move one at a time unless forced; the weight follows the model's rules (0 before
 * permissive, 100 in strict), which no flag overrides.
 */
final class MigrationPlan {

  /**
   * A decided step.
   *
   * @param stage the new stage
   * @param weight the new mesh weight
   * @param message the revision message, e.g. {@code migrate shop/reviews: observe → permissive}
   */
  record Step(Stage stage, int weight, String message) {}

  private MigrationPlan() {}

  /**
   * The step from {@code current} to the requested stage and weight (either may be {@code null}
   * for "keep"); throws an {@link ApiException} with the exit code when it is refused.
   *
   * @param target {@code namespace/service}, for messages
   * @param command how to run the command again for this service, e.g.
   *     {@code crossgate migrate reviews -n shop}
   */
  static Step plan(String target, String command, MigrationState current, Stage toStage,
      Integer toWeight, boolean force) {
    Stage from = current.stage();
    Stage stage = toStage == null ? from : toStage;
    int distance = Math.abs(stage.ordinal() - from.ordinal());
    if (distance > 1 && !force) {
      throw new ApiException(ExitCodes.STEP_REFUSED, target + ": " + from + " → " + stage
          + " moves " + distance + " stages; one stage at a time (next allowed: "
          + neighbours(command, from) + "), or add --force to jump");
    }
    int weight;
    if (toWeight != null) {
      weight = toWeight;
    } else if (!stage.atLeast(Stage.permissive)) {
      weight = 0;
    } else if (stage == Stage.strict) {
      if (current.weight() < 100 && !force) {
        throw new ApiException(ExitCodes.STEP_REFUSED, target + ": stage strict sends all "
            + "traffic through the mesh (meshWeight 100) but meshWeight is " + current.weight()
            + "; raise it first with '" + command + " --weight 100', or add --force to do both "
            + "at once");
      }
      weight = 100;
    } else if (!from.atLeast(Stage.permissive)) {
      // Entering permissive moves no traffic yet: the weight rises in its own steps.
      weight = 0;
    } else {
      weight = current.weight();
    }
    checkWeight(target, command, stage, weight);
    List<String> changes = new ArrayList<>();
    if (stage != from) {
      changes.add(from + " → " + stage);
    }
    if (weight != current.weight()) {
      changes.add("meshWeight " + current.weight() + " → " + weight);
    }
    if (changes.isEmpty()) {
      return null;
    }
    return new Step(stage, weight, "migrate " + target + ": " + String.join(", ", changes)
        + (force && distance > 1 ? " (--force)" : ""));
  }

  /** The model's weight rules, with what to do instead. */
  private static void checkWeight(String target, String command, Stage stage, int weight) {
    if (weight < 0 || weight > 100) {
      throw new ApiException(ExitCodes.INVALID_CONFIG, target + ": --weight " + weight
          + " (expected: 0..100, the percentage of callers' traffic sent through the mesh)");
    }
    if (weight > 0 && !stage.atLeast(Stage.permissive)) {
      throw new ApiException(ExitCodes.INVALID_CONFIG, target + ": --weight " + weight
          + " in stage " + stage + " (expected: 0; traffic moves to the mesh from stage "
          + "permissive on, when callers can use mTLS). Next: '" + command + " --to "
          + (stage == Stage.off ? "observe" : "permissive") + "'");
    }
    if (weight < 100 && stage == Stage.strict) {
      throw new ApiException(ExitCodes.INVALID_CONFIG, target + ": --weight " + weight
          + " in stage strict (expected: 100; strict refuses plaintext callers, so every caller "
          + "must come through the mesh). Step back first: '" + command + " --to enforce'");
    }
  }

  private static String neighbours(String command, Stage from) {
    Stage[] stages = Stage.values();
    List<String> next = new ArrayList<>();
    if (from.ordinal() + 1 < stages.length) {
      next.add("'" + command + " --to " + stages[from.ordinal() + 1] + "'");
    }
    if (from.ordinal() > 0) {
      next.add("back '" + command + " --to " + stages[from.ordinal() - 1] + "'");
    }
    return String.join(" or ", next);
  }
}
