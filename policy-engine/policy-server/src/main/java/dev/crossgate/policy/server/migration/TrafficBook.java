package dev.crossgate.policy.server.migration;

import dev.crossgate.policy.distribution.v1.Hello;
import dev.crossgate.policy.distribution.v1.ServiceTraffic;
import dev.crossgate.policy.distribution.v1.TrafficReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest traffic report of every node that sent one to this engine, kept after the node
 * disconnects (its counts stay evidence) until it is {@link #RETENTION} old. Thread-safe.
 */
final class TrafficBook {

  /** How long a silent node's last report is kept. */
  static final Duration RETENTION = Duration.ofDays(7);
  /** The most nodes kept; the oldest reports go first beyond it. */
  static final int MAX_NODES = 10_000;

  /** One node's counters for one service, and when that node started counting. */
  record NodeCounters(long startedAtMillis, TrafficCounters counters) {}

  private record Latest(Instant received, TrafficReport report) {}

  private final Map<String, Latest> nodes = new ConcurrentHashMap<>();
  private final Clock clock;

  TrafficBook(Clock clock) {
    this.clock = clock;
  }

  /** Keeps {@code report} as the latest of the node that said {@code hello}. */
  void record(Hello hello, TrafficReport report) {
    Instant now = clock.instant();
    nodes.put(hello.getNodeId(), new Latest(now, report));
    if (nodes.size() > MAX_NODES) {
      nodes.entrySet().stream().min(Map.Entry.comparingByValue(
              (a, b) -> a.received().compareTo(b.received())))
          .ifPresent(oldest -> nodes.remove(oldest.getKey()));
    }
    nodes.values().removeIf(latest -> latest.received().isBefore(now.minus(RETENTION)));
  }

  /** Per node id, the latest counters of {@code namespace/service}. */
  Map<String, NodeCounters> service(String namespace, String service) {
    Map<String, NodeCounters> result = new HashMap<>();
    nodes.forEach((node, latest) -> {
      for (ServiceTraffic traffic : latest.report().getServicesList()) {
        if (traffic.getNamespace().equals(namespace) && traffic.getService().equals(service)) {
          result.put(node, new NodeCounters(latest.report().getStartedAtMillis(),
              TrafficCounters.of(traffic)));
        }
      }
    });
    return result;
  }

  /** When the latest report with {@code namespace/service} arrived, or null. */
  Instant lastReport(String namespace, String service) {
    Instant last = null;
    for (Latest latest : nodes.values()) {
      for (ServiceTraffic traffic : latest.report().getServicesList()) {
        if (traffic.getNamespace().equals(namespace) && traffic.getService().equals(service)
            && (last == null || latest.received().isAfter(last))) {
          last = latest.received();
        }
      }
    }
    return last;
  }
}
