package dev.crossgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossgate.policy.model.MeshMigration.Stage;

/**
 * Where one service's migration stands: its {@code MeshMigration} (or none) with the stage and
 * the effective mesh weight (the model's defaults applied: 0 before permissive, 100 from
 * permissive on).
 *
 * @param resource the {@code MeshMigration} as JSON, or {@code null} when the service has none
 * @param stage the stage; {@code off} without a resource
 * @param weight the effective mesh weight, 0..100
 */
record MigrationState(JsonNode resource, Stage stage, int weight) {

  /** A service without a {@code MeshMigration}: stage off, weight 0. */
  static final MigrationState NONE = new MigrationState(null, Stage.off, 0);

  /** The state a {@code MeshMigration} resource describes; an unknown stage reads as off. */
  static MigrationState of(JsonNode resource) {
    if (resource == null || resource.isNull() || resource.isMissingNode()) {
      return NONE;
    }
    JsonNode spec = resource.path("spec");
    Stage stage = spec.hasNonNull("stage") ? Stage.of(spec.path("stage").asText()).orElse(Stage.off)
        : Stage.off;
    int weight = spec.hasNonNull("meshWeight") ? spec.path("meshWeight").asInt()
        : stage.atLeast(Stage.permissive) ? 100 : 0;
    return new MigrationState(resource, stage, weight);
  }

  boolean exists() {
    return resource != null;
  }

  /** {@code permissive (meshWeight 25)}, or {@code none (off)}. */
  String describe() {
    return exists() ? stage + " (meshWeight " + weight + ")" : "no MeshMigration (off)";
  }
}
