package dev.crossgate.routing.control;

import dev.crossgate.policy.io.AtomicFiles;
import dev.crossgate.policy.distribution.v1.Endpoint;
import dev.crossgate.policy.distribution.v1.ServiceEndpoints;
import dev.crossgate.policy.distribution.v1.Snapshot;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The last snapshot a data plane applied (its resources and mesh endpoints), kept on disk so it can start and serve while the policy
 * engine is unreachable. Writes go to a temporary file then move into place atomically, so a crash
 * mid-write leaves the previous file intact. Blocking: call from worker threads only.
 */
public final class LastKnownGoodStore {

  private final Path file;

  /** A store at {@code file}; its folder is created when needed. */
  public LastKnownGoodStore(Path file) {
    this.file = Objects.requireNonNull(file, "file");
  }

  /** Where the snapshot is kept. */
  public Path file() {
    return file;
  }

  /** Saves {@code snapshot} atomically. */
  public void save(Snapshot snapshot) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    String json = new JsonObject()
        .put("revision", snapshot.getRevision())
        .put("hash", snapshot.getHash())
        .put("createdAtMillis", snapshot.getCreatedAtMillis())
        .put("gatewayName", snapshot.getGatewayName())
        .put("resourcesJson", snapshot.getResourcesJson())
        .put("meshEndpoints", meshEndpoints(snapshot))
        .encode();
    AtomicFiles.write(file, json);
  }

  private static JsonArray meshEndpoints(Snapshot snapshot) {
    JsonArray mesh = new JsonArray();
    for (ServiceEndpoints service : snapshot.getMeshEndpointsList()) {
      JsonArray endpoints = new JsonArray();
      for (Endpoint endpoint : service.getEndpointsList()) {
        endpoints.add(new JsonObject().put("address", endpoint.getAddress())
            .put("port", endpoint.getPort()));
      }
      mesh.add(new JsonObject().put("namespace", service.getNamespace())
          .put("service", service.getService()).put("endpoints", endpoints));
    }
    return mesh;
  }

  /**
   * Loads the saved snapshot, if any.
   *
   * @throws IOException when the file exists but cannot be read or is not a snapshot
   */
  public Optional<Snapshot> load() throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      JsonObject json = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
      String resources = json.getString("resourcesJson");
      Long revision = json.getLong("revision");
      if (resources == null || revision == null) {
        throw new IOException(file + ": not a snapshot (expected: revision and resourcesJson)");
      }
      Snapshot.Builder snapshot = Snapshot.newBuilder()
          .setRevision(revision)
          .setHash(json.getString("hash", ""))
          .setCreatedAtMillis(json.getLong("createdAtMillis", 0L))
          .setGatewayName(json.getString("gatewayName", ""))
          .setResourcesJson(resources);
      JsonArray mesh = json.getJsonArray("meshEndpoints", new JsonArray());
      for (int i = 0; i < mesh.size(); i++) {
        JsonObject service = mesh.getJsonObject(i);
        ServiceEndpoints.Builder endpoints = ServiceEndpoints.newBuilder()
            .setNamespace(service.getString("namespace", ""))
            .setService(service.getString("service", ""));
        JsonArray list = service.getJsonArray("endpoints", new JsonArray());
        for (int j = 0; j < list.size(); j++) {
          JsonObject endpoint = list.getJsonObject(j);
          endpoints.addEndpoints(Endpoint.newBuilder().setAddress(endpoint.getString("address", ""))
              .setPort(endpoint.getInteger("port", 0)));
        }
        snapshot.addMeshEndpoints(endpoints);
      }
      return Optional.of(snapshot.build());
    } catch (DecodeException | ClassCastException e) {
      throw new IOException(file + ": not a snapshot: " + e.getMessage(), e);
    }
  }
}
