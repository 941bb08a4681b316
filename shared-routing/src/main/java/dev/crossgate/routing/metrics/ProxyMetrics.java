package dev.crossgate.routing.metrics;

import dev.crossgate.routing.config.RoutingConfig;
import dev.crossgate.routing.resilience.ResilienceMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The proxy's own meters: requests by route, backend and status class, latency histograms,
 * config reloads and endpoint load. Meter handles are cached so the hot path does one map lookup.
 */
public final class ProxyMetrics {

  private static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

  private final MeterRegistry registry;
  /** Route, then backend, to meters: two lookups and no key built per request. */
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, RequestMeters>> byRoute =
      new ConcurrentHashMap<>();
  private final Counter reloadSuccess;
  private final Counter reloadFailure;
  private final AtomicLong configLoadedAt = new AtomicLong();
  private final MultiGauge endpointActive;
  private final MultiGauge backendEndpoints;
  private final Counter accessLogDropped;
  private final Counter snapshotsApplied;
  private final Counter snapshotsRefused;
  private final AtomicLong controlPlaneConnected = new AtomicLong();
  private final ConcurrentHashMap<String, AtomicLong> downstreamConnections =
      new ConcurrentHashMap<>();
  private final ResilienceMetrics resilience;
  private final ConcurrentHashMap<String, ConnectionMeters> tcpConnections =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ConnectionMeters> webSocketConnections =
      new ConcurrentHashMap<>();

  /** Meters registered on {@code registry}. */
  public ProxyMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.resilience = new ResilienceMetrics(registry);
    this.reloadSuccess = Counter.builder("crossgate_config_reloads")
        .description("Configuration reloads by result").tag("result", "success")
        .register(registry);
    this.reloadFailure = Counter.builder("crossgate_config_reloads")
        .description("Configuration reloads by result").tag("result", "failure")
        .register(registry);
    Gauge.builder("crossgate_config_loaded_timestamp_seconds", configLoadedAt,
            v -> v.get() / 1000.0)
        .description("When the running configuration was loaded").register(registry);
    this.endpointActive = MultiGauge.builder("crossgate_endpoint_active_requests")
        .description("Requests in flight per backend endpoint").register(registry);
    this.backendEndpoints = MultiGauge.builder("crossgate_backend_endpoints")
        .description("Endpoints configured per backend").register(registry);
    this.accessLogDropped = Counter.builder("crossgate_access_log_dropped")
        .description("Access-log lines dropped because the writer fell behind")
        .register(registry);
    this.snapshotsApplied = Counter.builder("crossgate_snapshots")
        .description("Snapshots from the control plane by result").tag("result", "applied")
        .register(registry);
    this.snapshotsRefused = Counter.builder("crossgate_snapshots")
        .description("Snapshots from the control plane by result").tag("result", "refused")
        .register(registry);
    Gauge.builder("crossgate_control_plane_connected", controlPlaneConnected, AtomicLong::get)
        .description("1 while a stream to a policy engine is open").register(registry);
  }

  /** Counts a client connection opened on {@code listener}. */
  public void downstreamConnectionOpened(String listener) {
    downstream(listener).incrementAndGet();
  }

  /** Counts a client connection on {@code listener} closed. */
  public void downstreamConnectionClosed(String listener) {
    downstream(listener).decrementAndGet();
  }

  private AtomicLong downstream(String listener) {
    return downstreamConnections.computeIfAbsent(listener, name -> {
      AtomicLong count = new AtomicLong();
      Gauge.builder("crossgate_downstream_connections", count, AtomicLong::get)
          .description("Open client connections per listener")
          .tag("listener", name)
          .register(registry);
      return count;
    });
  }

  /** The opaque TCP connection meters of {@code listener}. */
  public ConnectionEvents tcpConnections(String listener) {
    return tcpConnections.computeIfAbsent(listener,
        name -> new ConnectionMeters(registry, "tcp", name));
  }

  /** The WebSocket tunnel meters of {@code listener}. */
  public ConnectionEvents webSocketConnections(String listener) {
    return webSocketConnections.computeIfAbsent(listener,
        name -> new ConnectionMeters(registry, "websocket", name));
  }

  /** Counts a snapshot from the control plane, applied or refused. */
  public void snapshot(boolean applied) {
    (applied ? snapshotsApplied : snapshotsRefused).increment();
  }

  /** Records whether a stream to a policy engine is open. */
  public void controlPlaneConnected(boolean connected) {
    controlPlaneConnected.set(connected ? 1 : 0);
  }

  /** Retries, ejections, health verdicts and circuit breaker meters. */
  public ResilienceMetrics resilience() {
    return resilience;
  }

  /** The registry these meters live in. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Records one finished request. */
  public void request(String route, String backend, int status, long durationNanos) {
    ConcurrentHashMap<String, RequestMeters> byBackend = byRoute.get(route);
    if (byBackend == null) {
      byBackend = byRoute.computeIfAbsent(route, r -> new ConcurrentHashMap<>());
    }
    RequestMeters meters = byBackend.get(backend);
    if (meters == null) {
      meters = byBackend.computeIfAbsent(backend, b -> new RequestMeters(route, backend));
    }
    meters.record(status, durationNanos);
  }

  /**
   * Counts a client that went away before its response was complete: {@code phase} is
   * {@code request} (before the response head) or {@code response} (mid-body).
   */
  public void clientDisconnected(String phase) {
    Counter.builder("crossgate_client_disconnects")
        .description("Clients gone before their response was complete, by phase")
        .tag("phase", phase).register(registry).increment();
  }

  /** Counts a response Crossgate made itself, by its reason code. */
  public void localError(String reason) {
    Counter.builder("crossgate_proxy_errors")
        .description("Responses Crossgate made itself, by reason (x-crossgate-error)")
        .tag("reason", reason).register(registry).increment();
  }

  /** Counts a configuration reload attempt. */
  public void configReload(boolean success) {
    (success ? reloadSuccess : reloadFailure).increment();
  }

  /** Points the per-backend gauges at a newly applied configuration. */
  public void configApplied(RoutingConfig config) {
    configLoadedAt.set(config.loadedAt().toEpochMilli());
    List<MultiGauge.Row<?>> active = new ArrayList<>();
    List<MultiGauge.Row<?>> counts = new ArrayList<>();
    config.backends().forEach((name, backend) -> {
      var endpoints = backend.loadBalancer().endpoints();
      counts.add(MultiGauge.Row.of(Tags.of("backend", name), endpoints.size()));
      endpoints.forEach(e -> active.add(MultiGauge.Row.of(
          Tags.of("backend", name, "endpoint", e.key()), e, ep -> ep.activeRequests())));
    });
    endpointActive.register(active, true);
    backendEndpoints.register(counts, true);
    resilience.configApplied(config);
  }

  /** Counts an access-log line that was dropped. */
  public void accessLogDropped() {
    accessLogDropped.increment();
  }

  private final class RequestMeters {
    private final Counter[] byClass = new Counter[STATUS_CLASSES.length];
    private final Timer latency;

    RequestMeters(String route, String backend) {
      for (int i = 0; i < STATUS_CLASSES.length; i++) {
        byClass[i] = Counter.builder("crossgate_requests")
            .description("Requests by route, backend and status class")
            .tags("route", route, "backend", backend, "status_class", STATUS_CLASSES[i])
            .register(registry);
      }
      latency = Timer.builder("crossgate_request_duration")
          .description("Time from request received to response complete")
          .tags("route", route, "backend", backend)
          .publishPercentileHistogram()
          .minimumExpectedValue(Duration.ofMillis(1))
          .maximumExpectedValue(Duration.ofSeconds(60))
          .register(registry);
    }

    void record(int status, long durationNanos) {
      int index = status / 100 - 1;
      if (index >= 0 && index < byClass.length) {
        byClass[index].increment();
      }
      latency.record(durationNanos, TimeUnit.NANOSECONDS);
    }
  }
}
