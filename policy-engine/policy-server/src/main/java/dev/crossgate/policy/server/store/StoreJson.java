package dev.crossgate.policy.server.store;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The JSON shape of store values shown to API clients. */
public final class StoreJson {

  private StoreJson() {}

  /** {@code {"number", "time", "author", "message", "created", "updated", "deleted"}}. */
  public static ObjectNode revision(Revision revision) {
    return StoreDocuments.revisionJson(revision);
  }
}
