package dev.crossgate.sidecar;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.distribution.AppliedSnapshot;
import dev.crossgate.policy.distribution.DistributionClient;
import dev.crossgate.policy.distribution.DistributionClientSettings;
import dev.crossgate.policy.distribution.NodeIdentity;
import dev.crossgate.policy.distribution.v1.NodeRole;
import dev.crossgate.policy.identity.IdentityClient;
import dev.crossgate.routing.mesh.CertificateManager;
import dev.crossgate.routing.mesh.WorkloadCertificate;
import dev.crossgate.sidecar.proxy.InboundListener;
import dev.crossgate.sidecar.proxy.MeshServices;
import dev.crossgate.sidecar.proxy.OutboundListener;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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

  private final SidecarOptions options;
  private final Vertx vertx;
  private final PrometheusMeterRegistry registry;
  private final AtomicReference<MeshServices> services = new AtomicReference<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private IdentityClient identityClient;
  private CertificateManager certificates;
  private DistributionClient distribution;
  private InboundListener inbound;
  private OutboundListener outbound;
  private HttpServer admin;

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
    admin = await(vertx.createHttpServer(new HttpServerOptions().setHost(options.adminAddress())
            .setPort(options.adminPort()))
        .requestHandler(new SidecarAdmin(this::ready, this::configDump, registry,
            () -> new Thread(this::close, "crossgate-sidecar-shutdown").start()))
        .listen());
    SocketAddress engine = DistributionClientSettings.parseEngines(options.controlPlane()).get(0);
    identityClient = new IdentityClient(vertx, engine);
    certificates = new CertificateManager(vertx, identityClient, options.joinToken(), registry,
        Clock.systemUTC(), options.nodeId(), CertificateManager.DEFAULT_RENEWAL_JITTER);
    distribution = DistributionClient.start(vertx,
        DistributionClientSettings.defaults(
            DistributionClientSettings.parseEngines(options.controlPlane())),
        new NodeIdentity(options.nodeId(), NodeRole.NODE_ROLE_SIDECAR, "", options.service(),
            options.namespace(), VERSION),
        this::applied,
        snapshot -> {
          try {
            services.set(MeshServices.of(snapshot));
            // The trust bundle is in use (listeners updated) before the snapshot is ACKed.
            return certificates.trust(snapshot.getTrustRootsPemList(),
                snapshot.getSigningRootSha256());
          } catch (IllegalArgumentException e) {
            return Future.failedFuture(e.getMessage());
          }
        },
        new DistributionClient.ConnectionListener() {});
    WorkloadCertificate certificate = await(certificates.start());
    inbound = new InboundListener(vertx, options.inboundAddress(), options.inboundPort(),
        options.appHost(), options.appPort(), options.mtlsMode(), registry);
    await(inbound.start(certificate));
    outbound = new OutboundListener(vertx, options.localAddress(), options.outboundPort(),
        options.namespace(), services::get);
    await(outbound.start(certificate));
    certificates.onCertificateUpdate(renewed -> Future.all(inbound.updateCertificate(renewed),
        outbound.updateCertificate(renewed)));
    // A snapshot may have changed the trust bundle while the listeners were starting.
    certificates.current().filter(now -> !now.equals(certificate)).ifPresent(now -> {
      inbound.updateCertificate(now);
      outbound.updateCertificate(now);
    });
    LOG.info("sidecar for {}/{} as {}: inbound {} → app {}, outbound {}, admin {} ({})",
        options.namespace(), options.service(), certificate.spiffeId(), inbound.port(),
        options.appPort(), outbound.port(), admin.actualPort(), options.mtlsMode());
  }

  private AppliedSnapshot applied() {
    MeshServices current = services.get();
    return current == null ? AppliedSnapshot.NONE
        : new AppliedSnapshot(current.revision(), current.hash());
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
        .put("mtlsMode", inbound == null ? options.mtlsMode().name() : inbound.mode().name())
        .put("ready", ready());
    certificates.current().ifPresent(c -> dump.put("certificate", new JsonObject()
        .put("spiffeId", c.spiffeId())
        .put("notBefore", c.notBefore().toString())
        .put("notAfter", c.notAfter().toString())));
    MeshServices current = services.get();
    if (current != null) {
      JsonArray known = new JsonArray();
      current.services().forEach((name, balancer) -> known.add(new JsonObject()
          .put("name", name)
          .put("endpoints", new JsonArray(balancer.endpoints().stream()
              .map(e -> e.address() + ":" + e.port()).toList()))));
      dump.put("snapshot", new JsonObject().put("revision", current.revision())
          .put("hash", current.hash()).put("services", known));
    }
    return dump;
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

  /** Blocks until {@link #close()} finished (e.g. after {@code POST /shutdown}). */
  public void awaitShutdown() throws InterruptedException {
    stopped.await();
  }

  /** Stops: readiness goes false, the listeners close, then the engine streams and Vert.x. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      if (certificates != null) {
        certificates.close();
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
