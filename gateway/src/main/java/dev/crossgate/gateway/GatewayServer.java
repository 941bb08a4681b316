package dev.crossgate.gateway;

import dev.crossgate.routing.accesslog.AccessLogWriter;
import dev.crossgate.routing.admin.AdminHandler;
import dev.crossgate.routing.config.ConfigException;
import dev.crossgate.routing.config.ConfigHolder;
import dev.crossgate.routing.config.ConfigReloader;
import dev.crossgate.routing.config.FileConfigSource;
import dev.crossgate.routing.config.Listener;
import dev.crossgate.routing.config.RoutingConfig;
import dev.crossgate.routing.config.RoutingConfigCompiler;
import dev.crossgate.routing.control.ControlPlaneSubscription;
import dev.crossgate.routing.control.LastKnownGoodStore;
import dev.crossgate.routing.control.SnapshotCompiler;
import dev.crossgate.policy.distribution.AppliedSnapshot;
import dev.crossgate.policy.distribution.DistributionClientSettings;
import dev.crossgate.policy.distribution.NodeIdentity;
import dev.crossgate.policy.validation.ValidationOptions;
import dev.crossgate.routing.filter.forwarded.ForwardedHeadersFilter;
import dev.crossgate.routing.filter.trace.TraceContextFilter;
import dev.crossgate.routing.config.ListenerSettings;
import dev.crossgate.routing.hygiene.ConnectionGuard;
import dev.crossgate.routing.metrics.ProxyMetrics;
import dev.crossgate.policy.ratelimit.LeaseClient;
import dev.crossgate.routing.ratelimit.GlobalLeases;
import dev.crossgate.routing.ratelimit.LeaseSource;
import dev.crossgate.routing.resilience.HealthChecks;
import dev.crossgate.routing.tls.CertificateWatcher;
import dev.crossgate.routing.upstream.UpstreamClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running ingress gateway: the listeners of one Gateway resource, the admin port, and the
 * configuration reloader. {@link #start} fails fast on bad configuration; afterwards bad changes
 * are refused and the running configuration keeps serving.
 */
public final class GatewayServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);

  private final Vertx vertx;
  private final GatewayOptions options;
  private final ConfigHolder config;
  private final UpstreamClient client;
  private final ProxyMetrics metrics;
  private final AccessLogWriter accessLog;
  private final AtomicReference<Deployment> deployment = new AtomicReference<>();
  private final AtomicBoolean ready = new AtomicBoolean();
  private ConfigReloader reloader;
  private ControlPlaneSubscription subscription;
  private GatewayMeshIdentity mesh;
  private HealthChecks healthChecks;
  private final ConnectionGuard connectionGuard;

  private static final String VERSION = "crossgate-gateway";

  /** How long a global rate limit's lease call may take before the failure mode decides. */
  private static final Duration LEASE_TIMEOUT = Duration.ofSeconds(2);

  /** What the gateway serves: HTTP, HTTPS and TCP listeners. */
  static final ValidationOptions VALIDATION =
      ValidationOptions.DEFAULTS.withListenerProtocols("HTTP", "HTTPS", "TCP");
  private final TlsServers tlsServers = new TlsServers();
  private CertificateWatcher certificateWatcher;
  private HttpServer admin;

  /**
   * The bound listeners.
   *
   * @param configuredPorts listener name to the port asked for
   * @param protocols listener name to its protocol; a change rebinds like a port change
   */
  private record Deployment(String id, Map<String, Integer> configuredPorts,
      Map<String, String> protocols, Map<String, Integer> boundPorts) {}

  private GatewayServer(Vertx vertx, GatewayOptions options, ConfigHolder config,
      UpstreamClient client, ProxyMetrics metrics, AccessLogWriter accessLog) {
    this.vertx = vertx;
    this.options = options;
    this.config = config;
    this.client = client;
    this.metrics = metrics;
    this.accessLog = accessLog;
    this.connectionGuard = new ConnectionGuard(vertx, options.listener().requestLimits());
  }

  /**
   * Loads the configuration, binds every listener and the admin port, and starts watching the
   * files. Blocks until serving; call it from a main or test thread, not an event loop.
   *
   * @throws ConfigException when the configuration is invalid (nothing is left running)
   */
  public static GatewayServer start(GatewayOptions options) throws ConfigException {
    return start(options, null);
  }

  /**
   * The same, joining the mesh with {@code meshJoinToken} (null: no mesh identity): see
   * {@link GatewayMeshIdentity}. Needs a control plane.
   */
  public static GatewayServer start(GatewayOptions options, String meshJoinToken)
      throws ConfigException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setEventLoopPoolSize(options.eventLoops())
            .setMetricsOptions(vertxMetrics()))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
    AccessLogWriter accessLog = null;
    LeaseClient leaseClient = null;
    try {
      ProxyMetrics metrics = new ProxyMetrics(registry);
      UpstreamClient client = new UpstreamClient(vertx, options.upstream());
      leaseClient = options.usesControlPlane() ? new LeaseClient(vertx,
          DistributionClientSettings.parseEngines(options.controlPlane()), LEASE_TIMEOUT) : null;
      GlobalLeases leases = leaseClient == null ? GlobalLeases.none(registry)
          : GlobalLeases.from(LeaseSource.of(leaseClient), Duration.ofSeconds(1), registry);
      GatewayMeshIdentity mesh = meshJoinToken == null ? null
          : GatewayMeshIdentity.start(vertx, options, meshJoinToken, registry, client);
      RoutingConfigCompiler compiler = new RoutingConfigCompiler(client,
          List.of(new TraceContextFilter(), new ForwardedHeadersFilter()),
          dev.crossgate.routing.ratelimit.RateLimitPolicies.defaults(leases),
          new dev.crossgate.routing.waf.WafPolicies(
              new dev.crossgate.routing.waf.WafMetrics(registry)));
      FileConfigSource source = null;
      SnapshotCompiler snapshots = null;
      LastKnownGoodStore lastKnownGood = null;
      RoutingConfig initial;
      AppliedSnapshot initialSnapshot = AppliedSnapshot.NONE;
      if (options.usesControlPlane()) {
        snapshots = new SnapshotCompiler(compiler, options.gatewayName(), VALIDATION);
        lastKnownGood = new LastKnownGoodStore(options.stateDir().resolve(
            "last-known-good.json"));
        var saved = ControlPlaneSubscription.lastKnownGood(lastKnownGood, snapshots);
        initial = saved.map(ControlPlaneSubscription.Start::config).orElse(
            RoutingConfig.empty("waiting for the control plane at " + options.controlPlane()));
        initialSnapshot = saved.map(ControlPlaneSubscription.Start::snapshot)
            .orElse(AppliedSnapshot.NONE);
      } else {
        source = new FileConfigSource(options.configPaths(), options.gatewayName(), compiler,
            VALIDATION);
        initial = source.load(null);
      }
      accessLog = options.accessLog() == null ? null
          : new AccessLogWriter(options.accessLog(), 65_536, metrics::accessLogDropped);
      GatewayServer[] self = new GatewayServer[1];
      HealthChecks healthChecks = new HealthChecks(vertx, client);
      ConfigHolder holder = new ConfigHolder(initial, applied -> {
        metrics.configApplied(applied);
        healthChecks.apply(applied);
        if (self[0] != null) {
          self[0].tlsServers.configApplied(applied);
          self[0].reconcileListeners(applied);
        }
      });
      GatewayServer server = new GatewayServer(vertx, options, holder, client, metrics,
          accessLog);
      self[0] = server;
      server.mesh = mesh;
      server.healthChecks = healthChecks;
      server.tlsServers.configApplied(initial);
      server.deployListeners(initial);
      server.startAdmin(registry);
      io.micrometer.core.instrument.Counter reloaded = certificateReloads(registry, "success");
      io.micrometer.core.instrument.Counter refused = certificateReloads(registry, "failure");
      server.certificateWatcher = new CertificateWatcher(vertx, server.tlsServers::serving,
          (name, tls) -> {
            reloaded.increment();
            server.tlsServers.update(name, tls);
          },
          (name, error) -> refused.increment());
      server.certificateWatcher.start(options.reloadInterval());
      if (source != null) {
        server.reloader = new ConfigReloader(vertx, source, holder, metrics);
        server.reloader.start(options.reloadInterval());
      } else {
        server.subscription = ControlPlaneSubscription.start(vertx,
            DistributionClientSettings.defaults(DistributionClientSettings.parseEngines(
                options.controlPlane())),
            NodeIdentity.gateway(options.nodeId(), options.gatewayName(), VERSION), holder,
            snapshots, lastKnownGood, metrics, initialSnapshot,
            mesh == null ? snapshot -> { } : mesh::applied);
      }
      server.ready.set(true);
      LOG.info("gateway {} serving {} (config {}), admin on {}:{}", initial.gatewayName(),
          server.listenerPorts(), initial.version(), options.adminAddress(), server.adminPort());
      return server;
    } catch (ConfigException | RuntimeException e) {
      if (leaseClient != null) {
        leaseClient.close();
      }
      await(vertx.close());
      if (accessLog != null) {
        accessLog.close();
      }
      throw e;
    }
  }

  /** Counts certificate file reloads: applied ({@code success}) or refused ({@code failure}). */
  private static io.micrometer.core.instrument.Counter certificateReloads(
      PrometheusMeterRegistry registry, String result) {
    return io.micrometer.core.instrument.Counter.builder("crossgate_tls_certificate_reloads")
        .description("Certificate file changes applied (success) or refused (failure)")
        .tag("result", result).register(registry);
  }

  /**
   * Vert.x's own meters, minus the per-request HTTP and TCP ones: those look meters up on every
   * request and cost two to three times the proxy's throughput (bench/results/2026-11-22-proxy.md);
   * {@link ProxyMetrics} counts requests and open connections itself. JVM meters stay.
   */
  private static MicrometerMetricsOptions vertxMetrics() {
    return new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
        .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)
        .addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT)
        .addDisabledMetricsCategory(MetricsDomain.NET_SERVER)
        .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT);
  }

  private void deployListeners(RoutingConfig target) {
    Map<String, Integer> configured = portsFor(target);
    Map<String, Integer> bound = new ConcurrentHashMap<>();
    String id = await(vertx.deployVerticle(() -> newVerticle(configured, bound),
        new DeploymentOptions().setInstances(options.eventLoops())));
    Deployment previous = deployment.getAndSet(new Deployment(id, configured,
        protocolsOf(target), Map.copyOf(bound)));
    if (previous != null) {
      undeploy(previous);
    }
  }

  /**
   * The port each listener binds: its configured port unless overridden by name, or by
   * {@link GatewayOptions#ANY_LISTENER} when the gateway has exactly one listener.
   */
  private Map<String, Integer> portsFor(RoutingConfig target) {
    Map<String, Integer> overrides = options.portOverrides();
    Integer single = overrides.get(GatewayOptions.ANY_LISTENER);
    if (single != null && target.listeners().size() > 1) {
      throw new IllegalStateException("--port: " + single + " applies only to a Gateway with"
          + " one listener, but " + target.gatewayName() + " has "
          + target.listeners().keySet() + " (expected: --listener-port NAME=PORT)");
    }
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (Listener listener : target.listeners().values()) {
      Integer port = overrides.getOrDefault(listener.name(), single);
      ports.put(listener.name(), port == null ? listener.port() : port);
    }
    return ports;
  }

  private static Map<String, String> protocolsOf(RoutingConfig target) {
    Map<String, String> protocols = new LinkedHashMap<>();
    target.listeners().values().forEach(l -> protocols.put(l.name(), l.protocol()));
    return protocols;
  }

  private ListenerVerticle newVerticle(Map<String, Integer> ports, Map<String, Integer> bound) {
    return new ListenerVerticle(ports, options.bindAddress(), config, client, metrics, accessLog,
        bound, options.listener(), options.upstream().connectTimeout(), connectionGuard, tlsServers);
  }

  private void undeploy(Deployment old) {
    vertx.undeploy(old.id()).onFailure(e -> LOG.warn("undeploying listeners failed: {}",
        e.toString()));
  }

  /** Rebinds listeners when a reload changed their names, ports or protocols. */
  private void reconcileListeners(RoutingConfig applied) {
    Deployment current = deployment.get();
    Map<String, Integer> wanted = portsFor(applied);
    if (current == null || (wanted.equals(current.configuredPorts())
        && protocolsOf(applied).equals(current.protocols()))) {
      return;
    }
    LOG.info("listeners changed from {} to {}; rebinding", current.configuredPorts(), wanted);
    vertx.executeBlocking(() -> {
      deployListeners(applied);
      return null;
    }).onFailure(e -> LOG.error("rebinding listeners failed; keeping {}: {}",
        current.configuredPorts(), e.toString()));
  }

  private void startAdmin(PrometheusMeterRegistry registry) {
    admin = await(vertx.createHttpServer(new HttpServerOptions()
            .setHost(options.adminAddress()).setPort(options.adminPort()))
        .requestHandler(new AdminHandler(config, registry,
            () -> ready.get() && !config.current().listeners().isEmpty()))
        .listen());
  }

  /** The bound port of each listener, by listener name. */
  public Map<String, Integer> listenerPorts() {
    return deployment.get().boundPorts();
  }

  /** The bound port of one listener. */
  public int port(String listenerName) {
    Integer port = listenerPorts().get(listenerName);
    if (port == null) {
      throw new IllegalArgumentException("listener: " + listenerName + " (expected: one of "
          + listenerPorts().keySet() + ")");
    }
    return port;
  }

  /** The bound admin port. */
  public int adminPort() {
    return admin.actualPort();
  }

  /** The running configuration. */
  public RoutingConfig config() {
    return config.current();
  }

  /** The Vert.x instance the gateway runs on. */
  public Vertx vertx() {
    return vertx;
  }

  /** The gateway's mesh certificate, when it joined the mesh. */
  public java.util.Optional<dev.crossgate.routing.mesh.CertificateManager> meshCertificates() {
    return java.util.Optional.ofNullable(mesh).map(GatewayMeshIdentity::certificates);
  }

  /** The gateway's mesh path, when it joined the mesh. */
  public java.util.Optional<dev.crossgate.routing.mesh.MeshUpstreams> meshUpstreams() {
    return java.util.Optional.ofNullable(mesh).map(GatewayMeshIdentity::upstreams);
  }

  /**
   * Drains and stops: readiness goes false, the listeners stop accepting, requests in flight may
   * finish until the drain deadline ({@link ListenerSettings#drainTimeout}), then every
   * connection is closed and the ports are released.
   */
  @Override
  public void close() {
    ready.set(false);
    if (reloader != null) {
      reloader.stop();
    }
    if (certificateWatcher != null) {
      certificateWatcher.stop();
    }
    if (healthChecks != null) {
      healthChecks.close();
    }
    if (subscription != null) {
      await(subscription.close());
    }
    if (mesh != null) {
      mesh.close();
    }
    Deployment listeners = deployment.getAndSet(null);
    if (listeners != null) {
      try {
        await(vertx.undeploy(listeners.id()));
      } catch (IllegalStateException e) {
        LOG.warn("draining the listeners failed: {}", e.getMessage());
      }
    }
    await(vertx.close());
    if (accessLog != null) {
      accessLog.close();
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the gateway", e);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      throw new IllegalStateException(cause.getMessage(), cause);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("gateway start timed out after 30 s", e);
    }
  }
}
