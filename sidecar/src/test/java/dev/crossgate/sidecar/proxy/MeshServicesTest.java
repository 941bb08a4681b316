package dev.crossgate.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.distribution.v1.Endpoint;
import dev.crossgate.policy.distribution.v1.ServiceEndpoints;
import dev.crossgate.policy.distribution.v1.Snapshot;
import dev.crossgate.routing.lb.UpstreamEndpoint;
import org.junit.jupiter.api.Test;

/** The mesh endpoints a service keeps when a snapshot empties them (an engine restart). */
class MeshServicesTest {

  private static final long GRACE = 100;

  @Test
  void aStrictServiceKeepsItsLastMeshEndpointsForTheGraceOnly() {
    MeshServices live = MeshServices.of(snapshot(1, "strict", 15006), null, 1_000, GRACE);
    MeshServices restarted = MeshServices.of(snapshot(2, "strict", 0), live, 1_010, GRACE);

    assertThat(ports(restarted)).containsExactly(15006);
    assertThat(restarted.provisionalUntil()).containsEntry("shop/reviews", 1_110L);
    assertThat(restarted.revision()).isEqualTo(2);

    // Another empty snapshot does not extend the grace; after it, the set is empty.
    MeshServices again = MeshServices.of(snapshot(3, "strict", 0), restarted, 1_100, GRACE);
    assertThat(ports(again)).containsExactly(15006);
    MeshServices expired = MeshServices.of(snapshot(3, "strict", 0), again, 1_110, GRACE);
    assertThat(ports(expired)).isEmpty();
    assertThat(expired.provisionalEnd()).isEmpty();
  }

  @Test
  void theSidecarsBackReplaceTheKeptSet() {
    MeshServices live = MeshServices.of(snapshot(1, "strict", 15006), null, 1_000, GRACE);
    MeshServices restarted = MeshServices.of(snapshot(2, "strict", 0), live, 1_010, GRACE);
    MeshServices back = MeshServices.of(snapshot(3, "strict", 15007), restarted, 1_020, GRACE);

    assertThat(ports(back)).containsExactly(15007);
    assertThat(back.provisionalUntil()).isEmpty();
  }

  @Test
  void aServiceWithADirectPathFallsBackToItInsteadOfKeepingAnything() {
    MeshServices live = MeshServices.of(snapshot(1, "permissive", 15006), null, 1_000, GRACE);
    MeshServices restarted = MeshServices.of(snapshot(2, "permissive", 0), live, 1_010, GRACE);

    assertThat(ports(restarted)).isEmpty();
    assertThat(PathSelector.choose(restarted.service("shop", "reviews"), 0.0))
        .contains(TrafficPath.DIRECT);
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
