package dev.crossgate.testkit;

import dev.crossgate.policy.distribution.DistributionProtocol;
import dev.crossgate.policy.distribution.v1.EngineMessage;
import dev.crossgate.policy.distribution.v1.Heartbeat;
import dev.crossgate.policy.distribution.v1.NodeMessage;
import dev.crossgate.policy.distribution.v1.Snapshot;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in policy engine speaking the real distribution protocol over real gRPC on loopback:
 * tests publish snapshots to every connected node and read back what nodes said (hellos, ACKs,
 * NACKs). It can be stopped and started again on the same port to simulate an outage, or told to
 * fall silent (no heartbeats, no snapshots) to simulate a hung engine.
 */
public final class FakePolicyEngine implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final List<NodeMessage> received = new CopyOnWriteArrayList<>();
  private final Set<GrpcServerResponse<NodeMessage, EngineMessage>> streams =
      ConcurrentHashMap.newKeySet();
  private volatile Snapshot latest;
  private volatile boolean silent;
  private HttpServer server;
  private int port;

  private FakePolicyEngine() {}

  /** Starts on a free loopback port. */
  public static FakePolicyEngine start() {
    FakePolicyEngine engine = new FakePolicyEngine();
    engine.listen(0);
    return engine;
  }

  private void listen(int wanted) {
    GrpcServer grpc = GrpcServer.server(vertx, new io.vertx.grpc.server.GrpcServerOptions()
        .setMaxMessageSize(DistributionProtocol.MAX_MESSAGE_SIZE));
    grpc.callHandler(DistributionProtocol.SUBSCRIBE_SERVER, request -> {
      GrpcServerResponse<NodeMessage, EngineMessage> response = request.response();
      request.handler(message -> {
        received.add(message);
        if (message.hasHello() && latest != null && !silent) {
          response.write(EngineMessage.newBuilder().setSnapshot(latest).build());
        }
      });
      request.endHandler(v -> streams.remove(response));
      request.exceptionHandler(e -> streams.remove(response));
      streams.add(response);
      response.writeHead();
    });
    server = TestBackend.await(vertx.createHttpServer(new HttpServerOptions()
            .setHost("127.0.0.1").setPort(wanted))
        .requestHandler(grpc).listen());
    port = server.actualPort();
    vertx.setPeriodic(200, id -> {
      if (!silent) {
        streams.forEach(s -> s.write(EngineMessage.newBuilder().setHeartbeat(
            Heartbeat.newBuilder().setSentAtMillis(System.currentTimeMillis())).build()));
      }
    });
  }

  /** The bound port. */
  public int port() {
    return port;
  }

  /** {@code 127.0.0.1:port}, the form data planes are configured with. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  /** Sends a snapshot to every connected node now, and to every node that connects later. */
  public void publish(long revision, String resourcesJson) {
    Snapshot snapshot = Snapshot.newBuilder()
        .setRevision(revision)
        .setResourcesJson(resourcesJson)
        .setHash(DistributionProtocol.hash(resourcesJson))
        .setCreatedAtMillis(System.currentTimeMillis())
        .build();
    latest = snapshot;
    vertx.runOnContext(v -> streams.forEach(s -> s.write(EngineMessage.newBuilder()
        .setSnapshot(snapshot).build())));
  }

  /** Stops sending anything (heartbeats included) while keeping streams open. */
  public void silent(boolean value) {
    this.silent = value;
  }

  /** Every message nodes sent, in order. */
  public List<NodeMessage> received() {
    return List.copyOf(received);
  }

  /** How many streams are open now. */
  public int connectedNodes() {
    return streams.size();
  }

  /** Closes the listening socket and every stream (an outage). */
  public void stop() {
    streams.clear();
    TestBackend.await(server.close());
  }

  /** Listens again on the same port after {@link #stop()}. */
  public void restart() {
    listen(port);
  }

  @Override
  public void close() {
    TestBackend.await(vertx.close());
  }
}
