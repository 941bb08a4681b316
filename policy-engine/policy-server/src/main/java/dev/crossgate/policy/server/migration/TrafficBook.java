package dev.crossgate.policy.server.migration;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.crossgate.policy.distribution.v1.Hello;
import dev.crossgate.policy.distribution.v1.ServiceTraffic;
import dev.crossgate.policy.distribution.v1.TrafficReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.infinispan.Cache;
import org.infinispan.configuration.cache.CacheMode;
import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.manager.EmbeddedCacheManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest traffic report of every node, kept after the node disconnects (its counts stay
 * evidence) until it is {@link #RETENTION} old. In a cluster the reports are also written (async)
 * to a replicated in-memory cache ({@value #CACHE_NAME}), so every engine sees every node's
 * report whichever engine holds its stream. Thread-safe.
 */
final class TrafficBook {

  /** The replicated cache of reports: node id → {@code <received millis>:<base64 report>}. */
  static final String CACHE_NAME = "crossgate-traffic";

  private static final Logger LOG = LoggerFactory.getLogger(TrafficBook.class);

  /** How long a silent node's last report is kept. */
  static final Duration RETENTION = Duration.ofDays(7);
  /** The most nodes kept; the oldest reports go first beyond it. */
  static final int MAX_NODES = 10_000;

  /** One node's counters for one service, and when that node started counting. */
  record NodeCounters(long startedAtMillis, TrafficCounters counters) {}

  private record Latest(Instant received, TrafficReport report) {}

  private final Map<String, Latest> nodes = new ConcurrentHashMap<>();
  private final Clock clock;
  private final Cache<String, String> shared;

  /** A book of this engine's own nodes. */
  TrafficBook(Clock clock) {
    this(clock, null);
  }

  private TrafficBook(Clock clock, Cache<String, String> shared) {
    this.clock = clock;
    this.shared = shared;
  }

  /**
   * A book shared by the engines of {@code manager}'s cluster. Blocks while the cache starts:
   * call it off the event loop.
   */
  static TrafficBook clustered(EmbeddedCacheManager manager, Clock clock) {
    if (!manager.cacheExists(CACHE_NAME) && manager.getCacheConfiguration(CACHE_NAME) == null) {
      ConfigurationBuilder config = new ConfigurationBuilder();
      config.clustering().cacheMode(CacheMode.REPL_ASYNC);
      manager.defineConfiguration(CACHE_NAME, config.build());
    }
    return new TrafficBook(clock, manager.getCache(CACHE_NAME));
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
    if (shared != null) {
      shared.putAsync(hello.getNodeId(), now.toEpochMilli() + ":"
              + Base64.getEncoder().encodeToString(report.toByteArray()),
              RETENTION.toMillis(), TimeUnit.MILLISECONDS)
          .exceptionally(e -> {
            LOG.warn("traffic report of {} not shared with the cluster: {}", hello.getNodeId(),
                e.toString());
            return null;
          });
    }
  }

  /** Every node's latest report: this engine's own, and in a cluster the others' too. */
  private Map<String, Latest> all() {
    if (shared == null) {
      return nodes;
    }
    Map<String, Latest> all = new HashMap<>();
    shared.forEach((node, value) -> {
      int colon = value.indexOf(':');
      try {
        all.put(node, new Latest(Instant.ofEpochMilli(Long.parseLong(value.substring(0, colon))),
            TrafficReport.parseFrom(Base64.getDecoder().decode(value.substring(colon + 1)))));
      } catch (RuntimeException | InvalidProtocolBufferException e) {
        LOG.debug("unreadable traffic report of {}: {}", node, e.toString());
      }
    });
    all.putAll(nodes); // this engine's own are the freshest
    return all;
  }

  /** Per node id, the latest counters of {@code namespace/service}. */
  Map<String, NodeCounters> service(String namespace, String service) {
    Map<String, NodeCounters> result = new HashMap<>();
    all().forEach((node, latest) -> {
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
    for (Latest latest : all().values()) {
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
