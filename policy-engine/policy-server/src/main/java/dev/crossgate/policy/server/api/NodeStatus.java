package dev.crossgate.policy.server.api;

import java.time.Instant;

/**
 * What one connected data plane runs, as the distribution service reports it.
 *
 * @param nodeId the node's id
 * @param role {@code gateway} or {@code sidecar}
 * @param appliedRevision the revision the node last ACKed; -1 when none yet
 * @param lastNack the reason of the node's last NACK, or {@code null}
 * @param connectedSince when the node's current stream started
 * @param engine the engine holding the node's stream ({@code local} for a single engine)
 * @param appHealth a sidecar's app as its active health check finds it: {@code healthy} or
 *     {@code unhealthy: <reason>}; null for a gateway
 */
public record NodeStatus(String nodeId, String role, long appliedRevision, String lastNack,
    Instant connectedSince, String engine, String appHealth) {

  /** The status of a node without an app health (a gateway). */
  public NodeStatus(String nodeId, String role, long appliedRevision, String lastNack,
      Instant connectedSince, String engine) {
    this(nodeId, role, appliedRevision, lastNack, connectedSince, engine, null);
  }
}
