package dev.crossgate.policy.server.distribution;

import dev.crossgate.policy.distribution.DistributionProtocol;
import dev.crossgate.policy.server.store.PolicyStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import java.time.Duration;
import java.util.Objects;

/**
 * The gRPC side of the engine: serves {@code crossgate.v1.PolicyDistribution/Subscribe} so every
 * gateway and sidecar receives its scoped snapshot and every new revision.
 */
public final class DistributionService {

  private final HttpServer server;

  private DistributionService(HttpServer server) {
    this.server = server;
  }

  /**
   * Settings of the streams.
   *
   * @param heartbeat how often the engine sends a heartbeat
   * @param deadAfter a node silent for this long is dropped
   */
  public record Settings(Duration heartbeat, Duration deadAfter) {

    /** Heartbeats every 5 s; a node silent for 15 s is dropped. */
    public static Settings defaults() {
      return new Settings(Duration.ofSeconds(5), Duration.ofSeconds(15));
    }
  }

  /** Starts serving on {@code host:port} (0 for any free port). */
  public static Future<DistributionService> start(Vertx vertx, PolicyStore store,
      NodeRegistry nodes, String host, int port, Settings settings) {
    return start(vertx, store, nodes, host, port, settings, grpc -> {});
  }

  /** The same, with more gRPC services (e.g. the mesh CA's) added to the same port. */
  public static Future<DistributionService> start(Vertx vertx, PolicyStore store,
      NodeRegistry nodes, String host, int port, Settings settings,
      java.util.function.Consumer<GrpcServer> moreServices) {
    return start(vertx, store, nodes, host, port, settings, moreServices, TrustSource.NONE);
  }

  /** The same, with snapshots carrying {@code trust}'s mesh trust bundle. */
  public static Future<DistributionService> start(Vertx vertx, PolicyStore store,
      NodeRegistry nodes, String host, int port, Settings settings,
      java.util.function.Consumer<GrpcServer> moreServices, TrustSource trust) {
    Objects.requireNonNull(store, "store");
    ScopedSnapshots snapshots = new ScopedSnapshots(vertx, store, nodes.meshEndpoints(),
        Objects.requireNonNull(trust, "trust"));
    GrpcServer grpc = GrpcServer.server(vertx, new GrpcServerOptions()
        .setMaxMessageSize(DistributionProtocol.MAX_MESSAGE_SIZE));
    grpc.callHandler(DistributionProtocol.SUBSCRIBE_SERVER, request ->
        new NodeStream(vertx, request, store, snapshots, nodes, settings.heartbeat(),
            settings.deadAfter()));
    moreServices.accept(grpc);
    return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
        .requestHandler(grpc)
        .listen()
        .map(DistributionService::new);
  }

  /** The bound port. */
  public int port() {
    return server.actualPort();
  }

  /** Stops accepting and closes every stream. */
  public Future<Void> close() {
    return server.close();
  }
}
