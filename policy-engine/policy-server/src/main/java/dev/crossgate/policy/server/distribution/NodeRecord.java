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
 * @param meshService a sidecar's service as {@code namespace/name}, or null
 * @param inboundAddress the address a ready sidecar's inbound port is reached at, or null
 * @param inboundPort that port, 0 when none
 * @param draining whether the node said it drains
 * @param appUnhealthy whether a sidecar's active health check finds its app unhealthy
 * @param appHealthReason why, or null while healthy
 * @param appFailOpen whether the sidecar's Service fails open (its {@code healthCheck.failOpen})
 * @param heldEndpoints the mesh endpoints ({@code address:port}) of the snapshot the node last
 *     ACKed and of those sent to it since, which it may be using: what a confirmed drain waits
 *     on (see {@link DrainWatch})
 */
record NodeRecord(String nodeId, String role, String engine, long appliedRevision,
    long nackedRevision, String lastNack, Instant connectedSince, String meshService,
    String inboundAddress, int inboundPort, boolean draining, boolean appUnhealthy,
    String appHealthReason, boolean appFailOpen, java.util.Set<String> heldEndpoints) {

  /** A copy of {@code heldEndpoints} (null: none) is kept. */
  NodeRecord {
    heldEndpoints = heldEndpoints == null ? java.util.Set.of()
        : java.util.Set.copyOf(heldEndpoints);
  }

  /** A record of a node whose app is healthy (or not checked) and that holds no mesh endpoint. */
  NodeRecord(String nodeId, String role, String engine, long appliedRevision,
      long nackedRevision, String lastNack, Instant connectedSince, String meshService,
      String inboundAddress, int inboundPort, boolean draining) {
    this(nodeId, role, engine, appliedRevision, nackedRevision, lastNack, connectedSince,
        meshService, inboundAddress, inboundPort, draining, false, null, true,
        java.util.Set.of());
  }

  /** A record of a node that serves no mesh endpoint. */
  NodeRecord(String nodeId, String role, String engine, long appliedRevision,
      long nackedRevision, String lastNack, Instant connectedSince) {
    this(nodeId, role, engine, appliedRevision, nackedRevision, lastNack, connectedSince, null,
        null, 0, false, false, null, true, java.util.Set.of());
  }

  /**
   * Whether this node may be a member of its service's endpoint set: advertised and not
   * draining. Its app's health decides the rest (see {@link MeshEndpointIndex}).
   */
  boolean servesMesh() {
    return meshService != null && inboundAddress != null && inboundPort > 0 && !draining;
  }

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
    node.put("meshService", meshService);
    node.put("inboundAddress", inboundAddress);
    node.put("inboundPort", inboundPort);
    node.put("draining", draining);
    node.put("appUnhealthy", appUnhealthy);
    node.put("appHealthReason", appHealthReason);
    node.put("appFailOpen", appFailOpen);
    com.fasterxml.jackson.databind.node.ArrayNode held = node.putArray("heldEndpoints");
    heldEndpoints.stream().sorted().forEach(held::add);
    return node.toString();
  }

  private static java.util.Set<String> held(JsonNode array) {
    java.util.Set<String> held = new java.util.HashSet<>();
    array.forEach(endpoint -> held.add(endpoint.asText()));
    return held;
  }

  static NodeRecord fromJson(String text) {
    try {
      JsonNode node = JSON.readTree(text);
      return new NodeRecord(node.path("nodeId").asText(), node.path("role").asText(),
          node.path("engine").asText(), node.path("appliedRevision").asLong(-1),
          node.path("nackedRevision").asLong(-1),
          node.path("lastNack").isTextual() ? node.path("lastNack").asText() : null,
          Instant.parse(node.path("connectedSince").asText()),
          node.path("meshService").isTextual() ? node.path("meshService").asText() : null,
          node.path("inboundAddress").isTextual() ? node.path("inboundAddress").asText() : null,
          node.path("inboundPort").asInt(0), node.path("draining").asBoolean(false),
          node.path("appUnhealthy").asBoolean(false),
          node.path("appHealthReason").isTextual() ? node.path("appHealthReason").asText() : null,
          node.path("appFailOpen").asBoolean(true),
          held(node.path("heldEndpoints")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
