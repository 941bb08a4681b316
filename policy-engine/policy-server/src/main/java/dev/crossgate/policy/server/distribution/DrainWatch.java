package dev.crossgate.policy.server.distribution;

import dev.crossgate.policy.distribution.v1.Heartbeat;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A confirmed drain: for one draining node and its inbound endpoint, which other nodes (on any
 * engine of the cluster) may still be using the endpoint — their {@link NodeRecord#heldEndpoints}
 * list it — and, once none does, how many did. Not thread-safe: its stream's event loop owns it.
 */
final class DrainWatch {

  private final String nodeId;
  private final String endpoint;
  /** Every node seen holding the endpoint since the drain began. */
  private final Set<String> given = new TreeSet<>();
  private List<String> pending = List.of();
  private boolean confirmed;

  /**
   * @param nodeId the draining node, which itself does not count
   * @param endpoint its inbound endpoint as {@code address:port}, or null when it advertised none
   *     (then the drain is confirmed at once, by no node)
   */
  DrainWatch(String nodeId, String endpoint) {
    this.nodeId = nodeId;
    this.endpoint = endpoint;
  }

  /** The endpoint as node records list it. */
  static String endpoint(String address, int port) {
    return address + ":" + port;
  }

  /**
   * Reads {@code records} (every node's, cluster-wide) and answers whether what the node should be
   * told changed. Once confirmed, stays confirmed.
   */
  boolean update(Collection<NodeRecord> records) {
    if (confirmed) {
      return false;
    }
    Set<String> holding = new TreeSet<>();
    if (endpoint != null) {
      for (NodeRecord record : records) {
        if (!record.nodeId().equals(nodeId) && record.heldEndpoints().contains(endpoint)) {
          holding.add(record.nodeId());
        }
      }
    }
    given.addAll(holding);
    if (holding.isEmpty()) {
      confirmed = true;
      pending = List.of();
      return true;
    }
    List<String> now = List.copyOf(holding);
    boolean changed = !now.equals(pending);
    pending = now;
    return changed;
  }

  /** Whether every node that held the endpoint has let it go (or left). */
  boolean confirmed() {
    return confirmed;
  }

  /** How many nodes held the endpoint since the drain began. */
  int givenCount() {
    return given.size();
  }

  /** The nodes that still hold the endpoint, sorted. */
  List<String> pending() {
    return pending;
  }

  /** Adds what the node should know about its drain to {@code heartbeat}. */
  Heartbeat.Builder describe(Heartbeat.Builder heartbeat) {
    return confirmed
        ? heartbeat.setDrainConfirmed(true).setDrainConfirmedNodes(given.size())
        : heartbeat.addAllDrainPendingNodes(pending);
  }
}
