package dev.crossgate.policy.server.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * What one data plane's stream reports, as shared between engines.
 *
 * @param nodeId the node's id
 * @param role {@code gateway} or {@code sidecar}
 * @param engine the engine holding the node's stream (its cluster name; {@code local} alone)
 * @param appliedRevision the revision last ACKed, -1 when none
 * @param nackedRevision the revision last NACKed, -1 when none
 * @param lastNack the last NACK as {@code revision N: reason}, or null
 * @param connectedSince when the stream started
 */
record NodeRecord(String nodeId, String role, String engine, long appliedRevision,
    long nackedRevision, String lastNack, Instant connectedSince) {

  private static final ObjectMapper JSON = new ObjectMapper();

  String toJson() {
    ObjectNode node = JSON.createObjectNode();
    node.put("nodeId", nodeId);
    node.put("role", role);
    node.put("engine", engine);
    node.put("appliedRevision", appliedRevision);
    node.put("nackedRevision", nackedRevision);
    node.put("lastNack", lastNack);
    node.put("connectedSince", connectedSince.toString());
    return node.toString();
  }

  static NodeRecord fromJson(String text) {
    try {
      JsonNode node = JSON.readTree(text);
      return new NodeRecord(node.path("nodeId").asText(), node.path("role").asText(),
          node.path("engine").asText(), node.path("appliedRevision").asLong(-1),
          node.path("nackedRevision").asLong(-1),
          node.path("lastNack").isTextual() ? node.path("lastNack").asText() : null,
          Instant.parse(node.path("connectedSince").asText()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
