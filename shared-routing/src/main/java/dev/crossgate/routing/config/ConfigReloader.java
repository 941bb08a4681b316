package dev.crossgate.routing.config;

import dev.crossgate.routing.metrics.ProxyMetrics;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a {@link FileConfigSource} and swaps in each valid change. Checks run on a worker
 * thread; an invalid change is logged with every problem, counted, and the old configuration
 * keeps serving.
 */
public final class ConfigReloader {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);

  private final Vertx vertx;
  private final FileConfigSource source;
  private final ConfigHolder holder;
  private final ProxyMetrics metrics;
  private String lastSeen;
  private long timerId = -1;

  /** A reloader; call {@link #start} to begin watching. */
  public ConfigReloader(Vertx vertx, FileConfigSource source, ConfigHolder holder,
      ProxyMetrics metrics) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.source = Objects.requireNonNull(source, "source");
    this.holder = Objects.requireNonNull(holder, "holder");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.lastSeen = holder.current().version();
  }

  /** Checks for changes every {@code interval}. */
  public void start(Duration interval) {
    timerId = vertx.setPeriodic(interval.toMillis(), id -> vertx.executeBlocking(() -> {
      check();
      return null;
    }, false));
  }

  /** Stops watching. */
  public void stop() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
  }

  /** Checks once, now, on the calling (worker) thread. */
  synchronized void check() {
    String fingerprint = source.fingerprint();
    if (fingerprint.equals(lastSeen)) {
      return;
    }
    lastSeen = fingerprint;
    try {
      RoutingConfig next = source.load(holder.current());
      holder.swap(next);
      metrics.configReload(true);
      LOG.info("configuration {} applied from {}", next.version(), next.source());
    } catch (ConfigException e) {
      metrics.configReload(false);
      LOG.warn("configuration change refused, still serving {}: {}",
          holder.current().version(), e.getMessage());
    } catch (RuntimeException e) {
      metrics.configReload(false);
      LOG.error("configuration change refused by an internal error, still serving {}",
          holder.current().version(), e);
    }
  }
}
