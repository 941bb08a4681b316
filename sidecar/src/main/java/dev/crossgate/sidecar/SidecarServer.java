package dev.crossgate.sidecar;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.distribution.AppliedSnapshot;
import dev.crossgate.policy.distribution.DistributionClient;
import dev.crossgate.policy.distribution.DistributionClientSettings;
import dev.crossgate.policy.distribution.NodeIdentity;
import dev.crossgate.policy.distribution.v1.Endpoint;
import dev.crossgate.policy.distribution.v1.NodeRole;
import dev.crossgate.policy.identity.IdentityClient;
import dev.crossgate.routing.mesh.CertificateManager;
import dev.crossgate.routing.mesh.WorkloadCertificate;
import dev.crossgate.sidecar.health.AppHealthCheck;
import dev.crossgate.sidecar.inbound.InboundPolicy;
import dev.crossgate.sidecar.proxy.InboundListener;
import dev.crossgate.sidecar.proxy.MeshService;
import dev.crossgate.sidecar.proxy.MeshServices;
import dev.crossgate.routing.upstream.BackendProtocol;
import dev.crossgate.sidecar.proxy.OutboundListener;
import dev.crossgate.sidecar.outbound.OutboundRouting;
import dev.crossgate.sidecar.traffic.TrafficRecorder;
import dev.crossgate.sidecar.state.SidecarState;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.net.SocketAddress;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running sidecar beside one app instance: the admin port first (live at once, ready later),
 * then its certificate from the mesh CA and its snapshot from the engine, then the inbound
 * (mTLS → app, caller in {@code x-crossgate-peer}) and outbound (app → peer sidecars over mTLS)
 * listeners. Certificates are renewed at half-life and swapped into both listeners.
 *
 * <pre>{@code
 * try (SidecarServer sidecar = SidecarServer.start(SidecarOptions.of("reviews", "shop", 9080,
 *     "127.0.0.1:9081", token))) {
 *   sidecar.awaitShutdown();
 * }
 * }</pre>
 */
public final class SidecarServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SidecarServer.class);
  private static final long TIMEOUT_SECONDS = 60;
  private static final String VERSION = "crossgate-sidecar";
  private static final long KEPT_CERTIFICATE_WAIT_SECONDS = 3;
  /** After a drain: how long requests in flight on open inbound connections may still take. */
  static final java.time.Duration DRAIN_SETTLE = java.time.Duration.ofSeconds(5);

  private final SidecarOptions options;
  private final Vertx vertx;
  private final PrometheusMeterRegistry registry;
  private final AtomicReference<MeshServices> services = new AtomicReference<>();
  private final AtomicReference<InboundPolicy> inboundPolicy =
      new AtomicReference<>(InboundPolicy.NONE);
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean advertised = new AtomicBoolean();
  /** Whether the services in use came from the last-known-good file, not from the engine. */
  private volatile boolean fromLastKnownGood;
  private volatile WorkloadCertificate keptCertificate;
  private SidecarState state;
  private String advertiseAddress;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private IdentityClient identityClient;
  // Volatile: set on the starting thread, read by readiness checks on event loops.
  private volatile CertificateManager certificates;
  private volatile DistributionClient distribution;
  private volatile InboundListener inbound;
  private volatile OutboundListener outbound;
  private OutboundRouting outboundRouting;
  private AppHealthCheck appHealth;
  private HttpServer admin;
  /** What the drain at shutdown came to, once it ended. */
  private volatile ConfirmedDrain.Result lastDrain;

  private SidecarServer(SidecarOptions options, Vertx vertx, PrometheusMeterRegistry registry) {
    this.options = options;
    this.vertx = vertx;
    this.registry = registry;
  }

  /**
   * Starts and returns once the listeners are bound with a certificate. Blocks: call it from a
   * main or test thread. Fails at once when the engine refuses the join token.
   */
  public static SidecarServer start(SidecarOptions options) {
    requireNonNull(options, "options");
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(options.eventLoops())
        .setWorkerPoolSize(2).setInternalBlockingPoolSize(2));
    SidecarServer server = new SidecarServer(options, vertx,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    try {
      server.run();
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  private void run() {
    // The certificate is on the critical path to ready (key pair, CSR, the CA's answer): ask for
    // it first, so the key pair is made on a worker while the rest starts here.
    state = options.stateDir() == null ? null : SidecarState.in(options.stateDir());
    SocketAddress engine = DistributionClientSettings.parseEngines(options.controlPlane()).get(0);
    identityClient = new IdentityClient(vertx, engine);
    certificates = new CertificateManager(vertx, identityClient, options.joinToken(), registry,
        Clock.systemUTC(), options.nodeId(), CertificateManager.DEFAULT_RENEWAL_JITTER);
    if (state != null) {
      certificates.onCertificate(issued -> {
        if (issued != keptCertificate) {
          vertx.executeBlocking(() -> {
            state.certificate().save(issued);
            return null;
          }, true).onFailure(e -> LOG.warn("could not keep the certificate in {}: {}",
              state.certificate().file(), e.toString()));
        }
      });
    }
    Future<WorkloadCertificate> issued = certificates.start();
    // The admin port binds on the event loop while this thread reads the kept state.
    Future<HttpServer> adminBound = vertx.createHttpServer(new HttpServerOptions()
            .setHost(options.adminAddress()).setPort(options.adminPort()))
        .requestHandler(new SidecarAdmin(this::readyForApp, this::readyDetail, this::configDump,
            registry, () -> new Thread(this::close, "crossgate-sidecar-shutdown").start()))
        .listen();
    advertiseAddress = options.effectiveAdvertiseAddress();
    KeptState.register(registry, this);
    SSLEngineOptions sslEngine = options.tlsEngine().options();
    outboundRouting = new OutboundRouting(vertx, options.namespace(), options.service(),
        options.localAddress(), registry, sslEngine);
    appHealth = new AppHealthCheck(vertx, options.appHost(), options.appPort(), registry, () -> {
      DistributionClient client = distribution;
      if (client != null) {
        client.appHealthChanged();
      }
    });
    WorkloadCertificate kept = KeptState.load(state, this::use, Clock.systemUTC());
    fromLastKnownGood = services.get() != null;
    TrafficRecorder traffic = new TrafficRecorder(options.namespace(), options.service(), registry);
    distribution = DistributionClient.start(vertx,
        DistributionClientSettings.defaults(
            DistributionClientSettings.parseEngines(options.controlPlane())),
        new NodeIdentity(options.nodeId(), NodeRole.NODE_ROLE_SIDECAR, "", options.service(),
            options.namespace(), VERSION),
        this::applied,
        this::apply,
        new DistributionClient.ConnectionListener() {});
    distribution.reportTraffic(() -> traffic.report(inboundPolicy.get().stageName(),
        inboundPolicy.get().revision()));
    distribution.reportAppHealth(appHealth::report).appHealthChanged();
    admin = await(adminBound);
    WorkloadCertificate certificate = firstCertificate(issued, kept);
    inbound = new InboundListener(vertx, options.inboundAddress(), options.inboundPort(),
        options.appHost(), options.appPort(), options.mtlsMode(), registry, inboundPolicy::get,
        traffic).sslEngine(sslEngine);
    OutboundListener outboundListener = new OutboundListener(vertx, options.localAddress(),
        options.outboundPort(), options.namespace(), services::get, outboundRouting);
    // Both listeners build their TLS contexts on Vert.x's blocking pool at the same time.
    await(Future.all(inbound.start(certificate), outboundListener.start(certificate)));
    if (services.get() != null) {
      inbound.appProtocol(appProtocol(services.get()));
    }
    outbound = outboundListener;
    certificates.onCertificateUpdate(renewed -> Future.all(inbound.updateCertificate(renewed),
        outbound.updateCertificate(renewed)));
    // A snapshot may have changed the trust bundle while the listeners were starting.
    certificates.current().filter(now -> !now.equals(certificate)).ifPresent(now -> {
      inbound.updateCertificate(now);
      outbound.updateCertificate(now);
    });
    WorkloadCertificate now = certificates.current().orElse(certificate);
    if (now != certificate) {
      // Issued while the listeners started with the kept one.
      inbound.updateCertificate(now);
      outbound.updateCertificate(now);
    }
    advertiseWhenReady();
    LOG.info("sidecar for {}/{} as {}: inbound {} → app {}, outbound {}, admin {} ({}, TLS {})",
        options.namespace(), options.service(), certificate.spiffeId(), inbound.port(),
        options.appPort(), outbound.port(), admin.actualPort(), options.mtlsMode(),
        options.tlsEngine().describe());
  }

  /**
   * The first certificate: from the mesh CA; but when a still-valid one was kept on disk and the
   * CA does not answer within a few seconds, the kept one (the CA is still asked, in the
   * background, and its certificate replaces the kept one).
   */
  private WorkloadCertificate firstCertificate(Future<WorkloadCertificate> issued,
      WorkloadCertificate kept) {
    if (kept == null) {
      return await(issued);
    }
    try {
      return issued.toCompletionStage().toCompletableFuture()
          .get(KEPT_CERTIFICATE_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      keptCertificate = kept;
      certificates.adopt(kept);
      LOG.warn("the mesh CA did not answer in {} s: serving with the certificate kept in {}",
          KEPT_CERTIFICATE_WAIT_SECONDS, state.certificate().file());
      return certificates.current().orElse(kept);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r
          : new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Applies a snapshot from the engine, keeps it on disk, and advertises once ready. */
  /**
   * Validates {@code snapshot} into the outbound services and the inbound policy and uses both,
   * or neither.
   *
   * @throws IllegalArgumentException naming every problem when the snapshot does not validate
   */
  private void use(dev.crossgate.policy.distribution.v1.Snapshot snapshot) {
    // The engine keeps live endpoints across its restarts (its MeshEndpointIndex): the
    // snapshot's sets are used as they are.
    MeshServices next = MeshServices.of(snapshot);
    InboundPolicy policy = InboundPolicy.of(snapshot, options.namespace(), options.service());
    OutboundRouting.Compiled routes = outboundRouting.compile(next);
    outboundRouting.use(routes);
    services.set(next);
    if (inbound != null) {
      inbound.appProtocol(appProtocol(next));
    }
    inboundPolicy.set(policy);
    MeshService own = next.service(options.namespace(), options.service());
    appHealth.apply(own == null ? null : own.spec());
  }

  /** How the inbound side talks to the app: its own Service's {@code spec.protocol}. */
  private BackendProtocol appProtocol(MeshServices known) {
    MeshService own = known.service(options.namespace(), options.service());
    try {
      return BackendProtocol.parse(own == null || own.spec() == null ? null
          : own.spec().protocol());
    } catch (IllegalArgumentException e) {
      return BackendProtocol.HTTP1;
    }
  }

  private Future<Void> apply(dev.crossgate.policy.distribution.v1.Snapshot snapshot) {
    try {
      use(snapshot);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e.getMessage());
    }
    fromLastKnownGood = false;
    if (state != null) {
      vertx.executeBlocking(() -> {
        state.snapshot().save(snapshot);
        return null;
      }, true).onFailure(e -> LOG.warn("could not write the last-known-good file {}: {}",
          state.snapshot().file(), e.toString()));
    }
    // The trust bundle is in use (listeners updated) before the snapshot is ACKed.
    return certificates.trust(snapshot.getTrustRootsPemList(), snapshot.getSigningRootSha256())
        .onSuccess(v -> advertiseWhenReady());
  }

  /** Once ready (certificate, snapshot, listeners), tells the engine the inbound endpoint. */
  private void advertiseWhenReady() {
    if (ready() && inbound != null && distribution != null && advertised.compareAndSet(false, true)) {
      LOG.info("ready: advertising inbound {}:{} for {}/{}", advertiseAddress, inbound.port(),
          options.namespace(), options.service());
      distribution.advertise(Endpoint.newBuilder().setAddress(advertiseAddress)
          .setPort(inbound.port()).build());
    }
  }

  /** Whether the sidecar serves from its last-known-good file while the engine is unreachable. */
  boolean servingLastKnownGood() {
    return fromLastKnownGood && services.get() != null
        && (distribution == null || !distribution.connected());
  }

  /** Whether the certificate in use is the one kept on disk, not one the CA issued this run. */
  boolean servingKeptCertificate() {
    WorkloadCertificate kept = keptCertificate;
    return kept != null && certificates != null
        && certificates.current().map(c -> c == kept).orElse(false);
  }

  private String readyDetail() {
    if (closed.get()) {
      return "not ready: shutting down";
    }
    if (!ready()) {
      return "not ready: " + (certificates == null || certificates.current().isEmpty()
          ? "no certificate yet" : services.get() == null ? "no snapshot yet" : "starting");
    }
    java.util.List<String> unbound = outboundRouting == null ? java.util.List.of()
        : outboundRouting.unboundTcpListeners();
    if (!unbound.isEmpty()) {
      return "not ready: " + String.join("; ", unbound);
    }
    StringBuilder detail = new StringBuilder("ready");
    if (servingLastKnownGood()) {
      detail.append(": serving the last-known-good snapshot (revision ")
          .append(services.get().revision()).append(", from ").append(state.snapshot().file())
          .append(") while the control plane is unreachable");
    }
    if (servingKeptCertificate()) {
      detail.append(detail.length() > 5 ? "; " : ": ").append("with the certificate kept in ")
          .append(state.certificate().file()).append(" (the mesh CA has not answered yet)");
    }
    return detail.toString();
  }

  private AppliedSnapshot applied() {
    MeshServices current = services.get();
    return current == null ? AppliedSnapshot.NONE
        : new AppliedSnapshot(current.revision(), current.hash());
  }

  /**
   * What {@code /ready} says: {@link #ready()}, and every outbound TCP listener bound (the app
   * cannot reach a TCP service whose {@code meshPort} is not listened on). The inbound endpoint
   * is advertised on {@link #ready()} alone: callers can still reach this service.
   */
  public boolean readyForApp() {
    return ready() && outboundRouting.unboundTcpListeners().isEmpty();
  }

  /** True with a certificate, a snapshot and bound listeners, until shutdown starts. */
  public boolean ready() {
    return !closed.get() && certificates != null && certificates.current().isPresent()
        && services.get() != null && outbound != null;
  }

  private JsonObject configDump() {
    JsonObject dump = new JsonObject()
        .put("service", options.service())
        .put("namespace", options.namespace())
        .put("mtlsMode", inbound == null ? options.mtlsMode().name()
            : inbound.effectiveMode().name())
        .put("stage", inboundPolicy.get().stageName())
        .put("authorization", inboundPolicy.get().authorization().name())
        .put("ready", ready())
        .put("tlsEngine", options.tlsEngine().label())
        .put("appHealth", appHealth.describe());
    certificates.current().ifPresent(c -> dump.put("certificate", new JsonObject()
        .put("spiffeId", c.spiffeId())
        .put("notBefore", c.notBefore().toString())
        .put("notAfter", c.notAfter().toString())));
    MeshServices current = services.get();
    if (current != null) {
      JsonArray known = new JsonArray();
      current.services().forEach((name, service) -> {
        JsonObject entry = new JsonObject()
            .put("name", name)
            .put("protocol", service.spec() == null || service.spec().protocol() == null
                ? "HTTP" : service.spec().protocol())
            .put("endpoints", new JsonArray(service.direct().endpoints().stream()
                .map(e -> e.address() + ":" + e.port()).toList()))
            .put("meshEndpoints", new JsonArray(service.mesh().endpoints().stream()
                .map(e -> e.address() + ":" + e.port()).toList()));
        service.migrationSwitch().ifPresent(m -> entry
            .put("stage", m.stage().map(Enum::name).orElse("?"))
            .put("meshWeight", m.effectiveMeshWeight()));
        known.add(entry);
      });
      dump.put("snapshot", new JsonObject().put("revision", current.revision())
          .put("hash", current.hash()).put("services", known)
          .put("lastKnownGood", servingLastKnownGood()));
    }
    return dump;
  }

  /** Whether the active health check of the app runs (a probe timer); for tests. */
  boolean appHealthProbing() {
    return appHealth.running();
  }

  /** The bound inbound port. */
  public int inboundPort() {
    return inbound.port();
  }

  /** The bound outbound port. */
  public int outboundPort() {
    return outbound.port();
  }

  /** The bound admin port. */
  public int adminPort() {
    return admin.actualPort();
  }

  /** The certificate manager (current certificate, renewal). */
  public CertificateManager certificates() {
    return certificates;
  }

  /** The inbound listener, e.g. to switch its mTLS mode. */
  public InboundListener inbound() {
    return inbound;
  }

  /** What the drain at shutdown came to; null before it ended or without one. */
  ConfirmedDrain.Result lastDrain() {
    return lastDrain;
  }

  /** The metrics in the Prometheus text format, also after shutdown. */
  String metrics() {
    return registry.scrape();
  }

  /** Blocks until {@link #close()} finished (e.g. after {@code POST /shutdown}). */
  public void awaitShutdown() throws InterruptedException {
    stopped.await();
  }

  /**
   * Stops: readiness goes false; if it had advertised its endpoint, the sidecar tells the engine
   * it drains and keeps serving until the engine confirms that every node given its endpoint has
   * applied a snapshot without it, for at most the drain period ({@link ConfirmedDrain}); then
   * the inbound listener stops accepting and lets requests in flight finish (up to
   * {@link #DRAIN_SETTLE}); then the listeners, the engine streams and Vert.x.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      if (advertised.get() && distribution != null) {
        lastDrain = new ConfirmedDrain(registry).run(distribution, options.drainPeriod());
        if (inbound != null) {
          awaitQuietly(inbound.drain(DRAIN_SETTLE));
        }
      }
      if (certificates != null) {
        certificates.close();
      }
      if (appHealth != null) {
        appHealth.close();
      }
      if (outbound != null) {
        awaitQuietly(outbound.close());
      }
      if (inbound != null) {
        awaitQuietly(inbound.close());
      }
      if (distribution != null) {
        awaitQuietly(distribution.close());
      }
      if (identityClient != null) {
        identityClient.close();
      }
      if (admin != null) {
        awaitQuietly(admin.close());
      }
    } finally {
      awaitQuietly(vertx.close());
      stopped.countDown();
      LOG.info("sidecar for {}/{} stopped", options.namespace(), options.service());
    }
  }

  /**
   * Stops at once, without draining, as a crash or {@code kill -9} would: every connection,
   * the engine stream included, is cut.
   */
  public void abort() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      if (certificates != null) {
        certificates.close();
      }
    } finally {
      awaitQuietly(vertx.close());
      stopped.countDown();
      LOG.info("sidecar for {}/{} aborted", options.namespace(), options.service());
    }
  }

  private static void awaitQuietly(Future<?> future) {
    try {
      await(future);
    } catch (IllegalStateException e) {
      LOG.warn("sidecar shutdown step failed: {}", e.getMessage());
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r
          : new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out after " + TIMEOUT_SECONDS + "s", e);
    }
  }
}
