package dev.crossgate.routing.upstream;

import dev.crossgate.policy.model.Service;
import java.time.Duration;

/**
 * How one backend's connections are opened and pooled. Backends with equal settings share a
 * client.
 *
 * @param connectTimeout how long a TCP connect may take
 * @param keepAlive how long an unused pooled connection is kept
 * @param maxConnections HTTP/1.1 connections per endpoint
 * @param maxPendingRequests requests waiting for a connection per endpoint; more are refused at
 *     once with {@code upstream_overflow}
 * @param maxRequestsPerConnection requests on one HTTP/1.1 connection before it is closed; 0 is
 *     unlimited
 */
public record ConnectionPoolSettings(Duration connectTimeout, Duration keepAlive,
    int maxConnections, int maxPendingRequests, int maxRequestsPerConnection) {

  /**
   * Settings from a Service spec, the documented defaults for what is omitted; null when the
   * spec has neither {@code connectionPool} nor {@code timeouts} (the process-wide upstream
   * settings apply).
   */
  public static ConnectionPoolSettings of(Service.Spec spec) {
    Service.Timeouts timeouts = spec.timeouts();
    Service.ConnectionPool pool = spec.connectionPool();
    if (timeouts == null && pool == null) {
      return null;
    }
    return new ConnectionPoolSettings(
        timeouts == null || timeouts.connect() == null ? Duration.ofSeconds(5)
            : timeouts.connect().duration(),
        timeouts == null || timeouts.idle() == null ? Duration.ofSeconds(60)
            : timeouts.idle().duration(),
        pool == null || pool.maxConnections() == null ? 100 : pool.maxConnections(),
        pool == null || pool.maxPendingRequests() == null ? 1024 : pool.maxPendingRequests(),
        pool == null || pool.maxRequestsPerConnection() == null ? 0
            : pool.maxRequestsPerConnection());
  }
}
