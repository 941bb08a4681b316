package dev.crossgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * Finds the last revision that changed one service's {@code MeshMigration}, newest first through
 * the revision history, and what the migration looked like before it.
 */
final class MigrationHistory {

  /** How many revisions {@code --rollback} looks back through. */
  static final int MAX_REVISIONS = 1000;
  private static final int PAGE = 100;

  /**
   * One change to the migration.
   *
   * @param revision the revision that made it
   * @param before the {@code MeshMigration} before it, or {@code null} (it did not exist)
   * @param after the {@code MeshMigration} after it, or {@code null} (it was deleted)
   */
  record Change(long revision, JsonNode before, JsonNode after) {}

  private MigrationHistory() {}

  /** The newest change to the migration of {@code namespace/service}, if any is recent enough. */
  static Optional<Change> lastChange(PolicyApiClient client, String namespace, String service) {
    Long before = null;
    int scanned = 0;
    while (scanned < MAX_REVISIONS) {
      JsonNode revisions = client.get("/revisions", PolicyApiClient.query(
          "limit", String.valueOf(PAGE), "before", before == null ? null : before.toString()))
          .path("revisions");
      if (!revisions.isArray() || revisions.isEmpty()) {
        return Optional.empty();
      }
      for (JsonNode revision : revisions) {
        long number = revision.path("number").asLong();
        before = number;
        scanned++;
        if (number < 1) {
          return Optional.empty();
        }
        JsonNode changes = client.get("/diff", PolicyApiClient.query(
            "from", String.valueOf(number - 1), "to", String.valueOf(number))).path("changes");
        for (JsonNode change : changes) {
          if (!"MeshMigration".equals(change.path("kind").asText())) {
            continue;
          }
          if (migrates(change.path("before"), namespace, service)
              || migrates(change.path("after"), namespace, service)) {
            return Optional.of(new Change(number, nullToNull(change.path("before")),
                nullToNull(change.path("after"))));
          }
        }
      }
    }
    return Optional.empty();
  }

  /** Whether a {@code MeshMigration} (as JSON) is the one for {@code namespace/service}. */
  static boolean migrates(JsonNode migration, String namespace, String service) {
    if (migration == null || migration.isNull() || migration.isMissingNode()) {
      return false;
    }
    JsonNode ref = migration.path("spec").path("service");
    String ns = ref.hasNonNull("namespace") ? ref.path("namespace").asText()
        : migration.path("metadata").path("namespace").asText("default");
    return service.equals(ref.path("name").asText()) && namespace.equals(ns);
  }

  private static JsonNode nullToNull(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode() ? null : node;
  }
}
