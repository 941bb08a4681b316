package dev.crossgate.policy.server.distribution;

import dev.crossgate.policy.distribution.v1.Endpoint;
import dev.crossgate.policy.distribution.v1.ServiceEndpoints;
import dev.crossgate.policy.distribution.v1.Snapshot;
import java.util.List;

/** Mesh endpoints as the distribution tests build and read them (all on 127.0.0.1). */
final class MeshSets {

  private MeshSets() {}

  /** The endpoint 127.0.0.1:{@code port}. */
  static Endpoint endpoint(int port) {
    return Endpoint.newBuilder().setAddress("127.0.0.1").setPort(port).build();
  }

  /** The endpoints {@code snapshot} lists for {@code service} (its name), empty when none. */
  static List<Endpoint> endpointsOf(Snapshot snapshot, String service) {
    return snapshot.getMeshEndpointsList().stream()
        .filter(e -> e.getService().equals(service))
        .findFirst().map(ServiceEndpoints::getEndpointsList).orElse(List.of());
  }

  /** Whether {@code snapshot} (null: none) lists an endpoint at {@code port}, in any service. */
  static boolean lists(Snapshot snapshot, int port) {
    return snapshot != null && snapshot.getMeshEndpointsList().stream()
        .flatMap(service -> service.getEndpointsList().stream())
        .anyMatch(endpoint -> endpoint.getPort() == port);
  }
}
