package dev.crossgate.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.model.MeshMigration;
import dev.crossgate.policy.model.ObjectMeta;
import dev.crossgate.routing.lb.RoundRobinLoadBalancer;
import dev.crossgate.routing.lb.UpstreamEndpoint;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The path rule: no switch, each stage, the weight, and the fallbacks. */
class PathSelectorTest {

  static final List<UpstreamEndpoint> ONE = List.of(UpstreamEndpoint.of("127.0.0.1", 9000));

  static MeshService service(boolean mesh, boolean direct, String stage, Integer weight) {
    MeshMigration migration = stage == null ? null : new MeshMigration("crossgate.dev/v1alpha1",
        new ObjectMeta("reviews", "shop", null, null, null),
        new MeshMigration.Spec(new MeshMigration.ServiceRef("reviews", null), stage, weight));
    return new MeshService("shop", "reviews",
        RoundRobinLoadBalancer.of(direct ? ONE : List.of()),
        RoundRobinLoadBalancer.of(mesh ? ONE : List.of()), migration);
  }

  @Test
  void withoutAMigrationTheMeshPathWhenTheServiceHasSidecarsElseDirect() {
    assertThat(PathSelector.choose(service(true, true, null, null), 0.99))
        .hasValue(TrafficPath.MESH);
    assertThat(PathSelector.choose(service(false, true, null, null), 0.0))
        .hasValue(TrafficPath.DIRECT);
    assertThat(PathSelector.choose(service(false, false, null, null), 0.0)).isEmpty();
  }

  @Test
  void offAndObserveAreDirectOnly() {
    assertThat(PathSelector.choose(service(true, true, "off", null), 0.0))
        .hasValue(TrafficPath.DIRECT);
    assertThat(PathSelector.choose(service(true, true, "observe", null), 0.0))
        .hasValue(TrafficPath.DIRECT);
    assertThat(PathSelector.choose(service(true, false, "off", null), 0.0)).isEmpty();
  }

  @Test
  void fromPermissiveOnTheWeightSplitsByTheDraw() {
    MeshService quarter = service(true, true, "permissive", 25);
    assertThat(PathSelector.choose(quarter, 0.0)).hasValue(TrafficPath.MESH);
    assertThat(PathSelector.choose(quarter, 0.2499)).hasValue(TrafficPath.MESH);
    assertThat(PathSelector.choose(quarter, 0.25)).hasValue(TrafficPath.DIRECT);
    assertThat(PathSelector.choose(service(true, true, "enforce", 0), 0.0))
        .hasValue(TrafficPath.DIRECT);
    // Omitted weight from permissive on means 100.
    assertThat(PathSelector.choose(service(true, true, "permissive", null), 0.9999))
        .hasValue(TrafficPath.MESH);
  }

  @Test
  void aWeightedDrawFallsBackToTheOtherPathWhenItsHasNoEndpoint() {
    assertThat(PathSelector.choose(service(false, true, "permissive", 100), 0.0))
        .hasValue(TrafficPath.DIRECT);
    assertThat(PathSelector.choose(service(true, false, "permissive", 0), 0.5))
        .hasValue(TrafficPath.MESH);
  }

  @Test
  void strictIsMeshOnly() {
    assertThat(PathSelector.choose(service(true, true, "strict", 100), 0.99))
        .hasValue(TrafficPath.MESH);
    assertThat(PathSelector.choose(service(false, true, "strict", 100), 0.0))
        .isEqualTo(Optional.empty());
  }
}
