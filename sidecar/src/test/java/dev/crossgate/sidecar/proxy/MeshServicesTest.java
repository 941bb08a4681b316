package dev.crossgate.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.distribution.v1.Endpoint;
import dev.crossgate.policy.distribution.v1.ServiceEndpoints;
import dev.crossgate.policy.distribution.v1.Snapshot;
import dev.crossgate.routing.lb.UpstreamEndpoint;
import org.junit.jupiter.api.Test;

/**
 * The mesh endpoints of a snapshot are used as they are: the engine keeps live endpoints across
 * its restarts, so the sidecar keeps nothing from an earlier snapshot.
 */
class MeshServicesTest {

  @Test
  void aSnapshotsEndpointSetIsUsedAsItIs() {
    assertThat(ports(MeshServices.of(snapshot(1, "strict", 15006)))).containsExactly(15006);
    MeshServices emptied = MeshServices.of(snapshot(2, "strict", 0));
    assertThat(ports(emptied)).isEmpty();
    assertThat(emptied.revision()).isEqualTo(2);
  }

  @Test
  void aServiceWithoutMeshEndpointsButADirectPathTakesIt() {
    MeshServices services = MeshServices.of(snapshot(2, "permissive", 0));

    assertThat(ports(services)).isEmpty();
    assertThat(PathSelector.choose(services.service("shop", "reviews"), 0.0))
        .contains(TrafficPath.DIRECT);
  }

  @Test
  void aMeshEndpointWithoutAPortIsRefusedWithAPreciseReason() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MeshServices.of(
            snapshot(3, "strict", 0).toBuilder().addMeshEndpoints(ServiceEndpoints.newBuilder()
                .setNamespace("shop").setService("reviews")
                .addEndpoints(Endpoint.newBuilder().setAddress("127.0.0.1").setPort(0))).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("snapshot revision 3: mesh_endpoints of shop/reviews: 127.0.0.1:0 "
            + "(expected: an address and a port 1..65535)");
  }

  private static java.util.List<Integer> ports(MeshServices services) {
    return services.service("shop", "reviews").mesh().endpoints().stream()
        .map(UpstreamEndpoint::port).toList();
  }

  /** reviews at {@code stage}, with its sidecar's inbound {@code port} (0: none). */
  private static Snapshot snapshot(long revision, String stage, int port) {
    String resources = """
        [{"apiVersion": "crossgate.dev/v1alpha1", "kind": "Service",
          "metadata": {"name": "reviews", "namespace": "shop"},
          "spec": {"endpoints": [{"address": "127.0.0.1", "port": 9080}]}},
         {"apiVersion": "crossgate.dev/v1alpha1", "kind": "MeshMigration",
          "metadata": {"name": "reviews", "namespace": "shop"},
          "spec": {"service": {"name": "reviews"}, "stage": "%s"}}]
        """.formatted(stage);
    Snapshot.Builder snapshot = Snapshot.newBuilder().setRevision(revision)
        .setHash("h" + revision).setResourcesJson(resources);
    if (port > 0) {
      snapshot.addMeshEndpoints(ServiceEndpoints.newBuilder().setNamespace("shop")
          .setService("reviews")
          .addEndpoints(Endpoint.newBuilder().setAddress("127.0.0.1").setPort(port)));
    }
    return snapshot.build();
  }
}
