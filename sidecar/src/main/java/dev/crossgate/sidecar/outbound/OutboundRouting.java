package dev.crossgate.sidecar.outbound;

import static java.util.Objects.requireNonNull;

import dev.crossgate.routing.config.ConfigException;
import dev.crossgate.routing.config.ConfigHolder;
import dev.crossgate.routing.config.RoutingConfig;
import dev.crossgate.routing.config.RoutingConfigCompiler;
import dev.crossgate.routing.metrics.ProxyMetrics;
import dev.crossgate.routing.mesh.WorkloadCertificate;
import dev.crossgate.routing.proxy.ProxyHandler;
import dev.crossgate.routing.upstream.UpstreamClient;
import dev.crossgate.sidecar.proxy.MeshServices;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SSLEngineOptions;
import java.util.List;

/**
 * The outbound side's share of the shared routing core: an {@link UpstreamClient} routed through
 * {@link SidecarPaths}, a {@link RoutingConfigCompiler} for the {@link OutboundBundle} of each
 * snapshot, the {@link ProxyHandler} serving the compiled routes, and the listeners of opaque
 * TCP services ({@link MeshTcpListeners}). A snapshot is compiled
 * first ({@link #compile}, which may fail and change nothing), then used ({@link #use}).
 */
public final class OutboundRouting {

  /** A compiled snapshot, ready to use. */
  public record Compiled(MeshServices services, RoutingConfig config) {}

  private final String namespace;
  private final UpstreamClient client;
  private final RoutingConfigCompiler compiler;
  private final ProxyMetrics metrics;
  private final SidecarPaths paths;
  private final ConfigHolder holder;
  private final MeshTcpListeners tcp;

  /**
   * Routing for the sidecar of {@code namespace/service}, counting on {@code registry}; opaque
   * TCP services (but its own) get their listeners on {@code localAddress}.
   */
  public OutboundRouting(Vertx vertx, String namespace, String service, String localAddress,
      MeterRegistry registry) {
    this(vertx, namespace, service, localAddress, registry, null);
  }

  /**
   * The same with mesh TLS (HTTP and opaque TCP hops) in {@code sslEngine} (null: Vert.x's
   * default, the JDK's).
   */
  public OutboundRouting(Vertx vertx, String namespace, String service, String localAddress,
      MeterRegistry registry, SSLEngineOptions sslEngine) {
    this.namespace = requireNonNull(namespace, "namespace");
    this.client = new UpstreamClient(vertx, UpstreamClient.Settings.defaults(), sslEngine);
    this.compiler = new RoutingConfigCompiler(client, List.of());
    this.metrics = new ProxyMetrics(registry);
    this.paths = new SidecarPaths(registry, metrics.resilience());
    client.routeBackendsThrough(paths);
    this.tcp = new MeshTcpListeners(vertx, localAddress, namespace + "/" + service, paths,
        registry, sslEngine);
    this.holder = new ConfigHolder(RoutingConfig.empty("no snapshot yet"), metrics::configApplied);
  }

  /**
   * Compiles the routes of {@code services}' snapshot.
   *
   * @throws IllegalArgumentException naming what cannot be compiled
   */
  public Compiled compile(MeshServices services) {
    try {
      RoutingConfig config = compiler.compile(OutboundBundle.of(services.bundle(), namespace),
          OutboundBundle.GATEWAY, "snapshot revision " + services.revision(), services.hash(),
          "[]", holder.current());
      return new Compiled(services, config);
    } catch (ConfigException | RuntimeException e) {
      throw new IllegalArgumentException("snapshot revision " + services.revision()
          + ": the outbound routes cannot be compiled: " + e.getMessage(), e);
    }
  }

  /** Serves {@code compiled} from the next request on. */
  public void use(Compiled compiled) {
    paths.services(compiled.services());
    holder.swap(compiled.config());
    tcp.services(compiled.services());
  }

  /** Uses {@code certificate} for mesh connections opened from now on. */
  public void certificate(WorkloadCertificate certificate) {
    paths.certificate(certificate);
    tcp.certificate(certificate);
  }

  /** The handler of the outbound port. */
  public ProxyHandler handler() {
    return new ProxyHandler(OutboundBundle.LISTENER, holder, client, metrics, null);
  }

  /** Why outbound TCP listeners that should be bound are not (empty when all are). */
  public List<String> unboundTcpListeners() {
    return tcp.unbound();
  }

  /** The routes in use. */
  public RoutingConfig current() {
    return holder.current();
  }

  /** Closes the upstream connections. */
  public Future<Void> close() {
    return Future.join(tcp.close(), client.close()).mapEmpty();
  }
}
