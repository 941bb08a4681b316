package dev.crossgate.policy.distribution;

import dev.crossgate.policy.distribution.v1.NodeRole;
import java.util.Objects;

/**
 * Who a data plane is, as it tells the engine in its {@code Hello}.
 *
 * @param nodeId unique per process, stable across reconnects
 * @param role gateway or sidecar
 * @param gatewayName the Gateway resource a gateway serves, or empty
 * @param service a sidecar's service, or empty
 * @param namespace a sidecar's namespace, or empty
 * @param version build information
 */
public record NodeIdentity(String nodeId, NodeRole role, String gatewayName, String service,
    String namespace, String version) {

  public NodeIdentity {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(role, "role");
    gatewayName = Objects.requireNonNullElse(gatewayName, "");
    service = Objects.requireNonNullElse(service, "");
    namespace = Objects.requireNonNullElse(namespace, "");
    version = Objects.requireNonNullElse(version, "");
  }

  /** A gateway serving {@code gatewayName} (empty or null for the only one). */
  public static NodeIdentity gateway(String nodeId, String gatewayName, String version) {
    return new NodeIdentity(nodeId, NodeRole.NODE_ROLE_GATEWAY, gatewayName, "", "", version);
  }
}
