package dev.crossgate.routing.mesh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crossgate.policy.model.MeshMigration;
import dev.crossgate.policy.model.ObjectMeta;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the {@code MeshMigration}s of a snapshot's resources JSON (already validated by the
 * snapshot compiler) into each migrated service's mesh weight, for the services at
 * {@code permissive} or later: the callers' share of traffic sent through the mesh.
 */
public final class MeshMigrationWeights {

  private static final ObjectMapper JSON = new ObjectMapper();

  private MeshMigrationWeights() {}

  /** {@code namespace/name} of each service at {@code permissive} or later, to its weight. */
  public static Map<String, Integer> of(String resourcesJson) {
    JsonNode resources;
    try {
      resources = JSON.readTree(resourcesJson);
    } catch (IOException e) {
      throw new IllegalArgumentException("resources JSON: " + e.getMessage(), e);
    }
    Map<String, Integer> weights = new HashMap<>();
    for (JsonNode resource : resources) {
      if (!MeshMigration.KIND.equals(resource.path("kind").asText())) {
        continue;
      }
      MeshMigration migration = read(resource);
      if (migration.spec() == null || migration.spec().service() == null
          || !migration.stage().orElse(MeshMigration.Stage.off)
              .atLeast(MeshMigration.Stage.permissive)) {
        continue;
      }
      weights.put(migration.serviceNamespace() + "/" + migration.spec().service().name(),
          migration.effectiveMeshWeight());
    }
    return weights;
  }

  /**
   * {@code namespace/name} of each service at {@code strict}: plaintext to it is refused, so
   * callers must not fall back to its direct path.
   */
  public static java.util.Set<String> strict(String resourcesJson) {
    JsonNode resources;
    try {
      resources = JSON.readTree(resourcesJson);
    } catch (IOException e) {
      throw new IllegalArgumentException("resources JSON: " + e.getMessage(), e);
    }
    java.util.Set<String> strict = new java.util.HashSet<>();
    for (JsonNode resource : resources) {
      if (!MeshMigration.KIND.equals(resource.path("kind").asText())) {
        continue;
      }
      MeshMigration migration = read(resource);
      if (migration.spec() != null && migration.spec().service() != null
          && migration.stage().orElse(MeshMigration.Stage.off) == MeshMigration.Stage.strict) {
        strict.add(migration.serviceNamespace() + "/" + migration.spec().service().name());
      }
    }
    return java.util.Set.copyOf(strict);
  }

  private static MeshMigration read(JsonNode resource) {
    JsonNode metadata = resource.path("metadata");
    JsonNode spec = resource.path("spec");
    JsonNode service = spec.path("service");
    return new MeshMigration(resource.path("apiVersion").asText(null),
        new ObjectMeta(metadata.path("name").asText(null), metadata.path("namespace").asText(null),
            null, null, null),
        spec.isMissingNode() ? null : new MeshMigration.Spec(
            service.isMissingNode() ? null : new MeshMigration.ServiceRef(
                service.path("name").asText(null), service.path("namespace").asText(null)),
            spec.path("stage").asText(null),
            spec.path("meshWeight").isNumber() ? spec.path("meshWeight").asInt() : null));
  }
}
