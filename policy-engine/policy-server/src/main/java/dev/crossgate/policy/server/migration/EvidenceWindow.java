package dev.crossgate.policy.server.migration;

import dev.crossgate.policy.server.migration.TrafficBook.NodeCounters;
import java.util.Map;

/**
 * The traffic between two moments, from cumulative counters: per node, its counters at the end
 * minus those at the start (a node that restarted in between, or was not there at the start,
 * counts from zero).
 */
final class EvidenceWindow {

  private EvidenceWindow() {}

  /** The counters from {@code start} to {@code end}, summed over nodes. */
  static TrafficCounters between(Map<String, NodeCounters> start, Map<String, NodeCounters> end) {
    TrafficCounters window = TrafficCounters.empty();
    end.forEach((node, counters) -> {
      TrafficCounters delta = TrafficCounters.empty().add(counters.counters(), 1);
      NodeCounters before = start.get(node);
      if (before != null && before.startedAtMillis() == counters.startedAtMillis()) {
        delta.add(before.counters(), -1);
      }
      window.add(delta, 1);
    });
    return window;
  }
}
