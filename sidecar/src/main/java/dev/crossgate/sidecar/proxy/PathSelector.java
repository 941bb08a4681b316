package dev.crossgate.sidecar.proxy;

import dev.crossgate.policy.model.MeshMigration;
import dev.crossgate.policy.model.MeshMigration.Stage;
import java.util.Optional;

/**
 * Chooses the path of one request to a service from the service's {@code MeshMigration}:
 *
 * <ul>
 *   <li>no MeshMigration: the mesh path when the service has live sidecars, else direct;
 *   <li>{@code off} and {@code observe}: direct (callers reach the service as before);
 *   <li>{@code permissive} and {@code enforce}: the mesh path for {@code meshWeight}% of requests
 *       (a uniform random draw per request), direct for the rest; when the drawn path has no
 *       endpoints and the other has, the other;
 *   <li>{@code strict}: the mesh path only.
 * </ul>
 */
public final class PathSelector {

  private PathSelector() {}

  /**
   * The path for one request, or empty when the service has no endpoint on any allowed path.
   *
   * @param draw a uniform random number in [0, 1)
   */
  public static Optional<TrafficPath> choose(MeshService service, double draw) {
    boolean hasMesh = !service.mesh().endpoints().isEmpty();
    boolean hasDirect = !service.direct().endpoints().isEmpty();
    MeshMigration migration = service.migration();
    if (migration == null) {
      return hasMesh ? Optional.of(TrafficPath.MESH)
          : hasDirect ? Optional.of(TrafficPath.DIRECT) : Optional.empty();
    }
    Stage stage = migration.stage().orElse(Stage.off);
    if (stage == Stage.strict) {
      return hasMesh ? Optional.of(TrafficPath.MESH) : Optional.empty();
    }
    if (!stage.atLeast(Stage.permissive)) {
      return hasDirect ? Optional.of(TrafficPath.DIRECT) : Optional.empty();
    }
    TrafficPath drawn = draw * 100 < migration.effectiveMeshWeight()
        ? TrafficPath.MESH : TrafficPath.DIRECT;
    boolean drawnHas = drawn == TrafficPath.MESH ? hasMesh : hasDirect;
    if (drawnHas) {
      return Optional.of(drawn);
    }
    TrafficPath other = drawn == TrafficPath.MESH ? TrafficPath.DIRECT : TrafficPath.MESH;
    boolean otherHas = other == TrafficPath.MESH ? hasMesh : hasDirect;
    return otherHas ? Optional.of(other) : Optional.empty();
  }
}
