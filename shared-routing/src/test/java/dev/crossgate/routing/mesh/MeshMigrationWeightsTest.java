package dev.crossgate.routing.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which services a snapshot puts in the gateway's mesh path, and with which weight. */
class MeshMigrationWeightsTest {

  @Test
  void onlyServicesAtPermissiveOrLaterWithTheirWeights() {
    String json = """
        [{"apiVersion": "crossgate.dev/v1alpha1", "kind": "Service",
          "metadata": {"name": "a", "namespace": "shop"}, "spec": {}},
         {"apiVersion": "crossgate.dev/v1alpha1", "kind": "MeshMigration",
          "metadata": {"name": "off", "namespace": "shop"}, "spec": {"service": {"name": "a"}}},
         {"apiVersion": "crossgate.dev/v1alpha1", "kind": "MeshMigration",
          "metadata": {"name": "observe", "namespace": "shop"},
          "spec": {"service": {"name": "b"}, "stage": "observe"}},
         {"apiVersion": "crossgate.dev/v1alpha1", "kind": "MeshMigration",
          "metadata": {"name": "permissive", "namespace": "shop"},
          "spec": {"service": {"name": "c"}, "stage": "permissive", "meshWeight": 25}},
         {"apiVersion": "crossgate.dev/v1alpha1", "kind": "MeshMigration",
          "metadata": {"name": "strict", "namespace": "shop"},
          "spec": {"service": {"name": "d", "namespace": "billing"}, "stage": "strict"}}]
        """;

    assertThat(MeshMigrationWeights.of(json)).isEqualTo(Map.of("shop/c", 25, "billing/d", 100));
  }

  @Test
  void noMigrationsNoMeshServices() {
    assertThat(MeshMigrationWeights.of("[]")).isEmpty();
  }

  @Test
  void unreadableJsonSaysSo() {
    assertThatThrownBy(() -> MeshMigrationWeights.of("[{"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("resources JSON: ");
  }
}
