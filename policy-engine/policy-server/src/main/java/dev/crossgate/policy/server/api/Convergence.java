package dev.crossgate.policy.server.api;

import java.util.Map;

/**
 * Where a revision has got to across the connected data planes.
 *
 * @param revision the revision
 * @param applied nodes that run it (or a newer one)
 * @param total nodes connected
 * @param refused node id to NACK reason, for nodes that refused it
 * @param complete whether every connected node has applied or refused it
 * @param summary one line, e.g. {@code revision 42 applied by 3/3 gateways, 0/0 sidecars}
 */
public record Convergence(long revision, int applied, int total, Map<String, String> refused,
    boolean complete, String summary) {

  public Convergence {
    refused = Map.copyOf(refused);
  }
}
