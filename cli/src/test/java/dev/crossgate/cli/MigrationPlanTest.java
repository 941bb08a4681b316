package dev.crossgate.cli;

import static dev.crossgate.policy.model.MeshMigration.Stage.enforce;
import static dev.crossgate.policy.model.MeshMigration.Stage.observe;
import static dev.crossgate.policy.model.MeshMigration.Stage.off;
import static dev.crossgate.policy.model.MeshMigration.Stage.permissive;
import static dev.crossgate.policy.model.MeshMigration.Stage.strict;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crossgate.policy.model.MeshMigration.Stage;
import org.junit.jupiter.api.Test;

/** The step rules of {@code crossgate migrate}, without an engine. */
class MigrationPlanTest {

  private static final String TARGET = "shop/reviews";
  private static final String COMMAND = "crossgate migrate reviews -n shop";

  private static MigrationState at(Stage stage, Integer weight) {
    String json = "{\"kind\":\"MeshMigration\",\"spec\":{\"service\":{\"name\":\"reviews\"},"
        + "\"stage\":\"" + stage + "\"" + (weight == null ? "" : ",\"meshWeight\":" + weight)
        + "}}";
    try {
      return MigrationState.of(new ObjectMapper().readTree(json));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static MigrationPlan.Step plan(MigrationState current, Stage to, Integer weight,
      boolean force) {
    return MigrationPlan.plan(TARGET, COMMAND, current, to, weight, force);
  }

  private static int exitCode(Runnable call) {
    try {
      call.run();
    } catch (ApiException e) {
      return e.exitCode();
    }
    throw new AssertionError("not refused");
  }

  @Test
  void theModelsDefaultWeightIsReadWhenOmitted() {
    assertThat(at(permissive, null).weight()).isEqualTo(100);
    assertThat(at(observe, null).weight()).isZero();
    assertThat(MigrationState.NONE.stage()).isEqualTo(off);
  }

  @Test
  void oneStageForwardOrBack() {
    assertThat(plan(MigrationState.NONE, observe, null, false))
        .isEqualTo(new MigrationPlan.Step(observe, 0, "migrate shop/reviews: off → observe"));
    assertThat(plan(at(enforce, 100), permissive, null, false))
        .isEqualTo(new MigrationPlan.Step(permissive, 100,
            "migrate shop/reviews: enforce → permissive"));
  }

  @Test
  void enteringPermissiveMovesNoTrafficAndLeavingItTakesTheWeightToZero() {
    assertThat(plan(at(observe, 0), permissive, null, false).weight()).isZero();
    assertThat(plan(at(permissive, 25), observe, null, false))
        .isEqualTo(new MigrationPlan.Step(observe, 0,
            "migrate shop/reviews: permissive → observe, meshWeight 25 → 0"));
    assertThat(plan(at(permissive, 25), enforce, null, false).weight()).isEqualTo(25);
  }

  @Test
  void moreThanOneStageNeedsForce() {
    assertThat(exitCode(() -> plan(MigrationState.NONE, permissive, null, false)))
        .isEqualTo(ExitCodes.STEP_REFUSED);
    assertThatThrownBy(() -> plan(at(strict, 100), permissive, null, false))
        .hasMessage("shop/reviews: strict → permissive moves 2 stages; one stage at a time "
            + "(next allowed: back 'crossgate migrate reviews -n shop --to enforce'), or add "
            + "--force to jump");
    assertThat(plan(at(strict, 100), permissive, null, true).message())
        .isEqualTo("migrate shop/reviews: strict → permissive (--force)");
  }

  @Test
  void strictNeedsTheWholeWeight() {
    assertThat(exitCode(() -> plan(at(enforce, 25), strict, null, false)))
        .isEqualTo(ExitCodes.STEP_REFUSED);
    assertThat(plan(at(enforce, 25), strict, null, true).weight()).isEqualTo(100);
    assertThat(plan(at(enforce, 25), strict, 100, false).weight()).isEqualTo(100);
    assertThat(exitCode(() -> plan(at(strict, 100), null, 99, true)))
        .isEqualTo(ExitCodes.INVALID_CONFIG);
  }

  @Test
  void weightAboveZeroOnlyFromPermissiveOnEvenWithForce() {
    assertThat(exitCode(() -> plan(at(observe, 0), null, 1, true)))
        .isEqualTo(ExitCodes.INVALID_CONFIG);
    assertThatThrownBy(() -> plan(MigrationState.NONE, null, 5, false))
        .hasMessageContaining("Next: 'crossgate migrate reviews -n shop --to observe'");
    assertThat(plan(at(permissive, 0), null, 60, false))
        .isEqualTo(new MigrationPlan.Step(permissive, 60,
            "migrate shop/reviews: meshWeight 0 → 60"));
  }

  @Test
  void nothingToChangeIsNoStep() {
    assertThat(plan(at(permissive, 25), permissive, 25, false)).isNull();
    assertThat(plan(at(permissive, 25), null, 25, false)).isNull();
    assertThat(plan(MigrationState.NONE, null, 0, false)).isNull();
    assertThat(plan(MigrationState.NONE, off, null, false)).isNull();
  }
}
