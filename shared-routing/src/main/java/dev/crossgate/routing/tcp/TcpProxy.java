package dev.crossgate.routing.tcp;

import dev.crossgate.routing.lb.UpstreamEndpoint;
import dev.crossgate.routing.metrics.ConnectionEvents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A TCP listener that forwards bytes unchanged to a backend endpoint ({@code TCPRoute}): each
 * accepted connection opens one backend connection, bytes are relayed both ways with
 * back-pressure, a half-close (FIN) from either side is passed on while the other direction
 * keeps flowing ({@link TcpSession}), a failed connect closes the client, and a connection
 * silent in both directions for the idle timeout is closed on both sides.
 *
 * <p>The gateway starts one per {@code protocol: TCP} listener and event loop; the endpoint
 * supplier picks from the attached TCPRoute's backends in the running configuration.
 */
public final class TcpProxy {

  /**
   * How a TCP listener behaves.
   *
   * @param bindAddress the address to bind
   * @param port the port (0 for any free port; negative for a free port shared by every server
   *     of the Vert.x instance asking for the same negative value)
   * @param connectTimeout how long a backend connect may take
   * @param idleTimeout how long both directions may stay silent before both sides close
   */
  public record Settings(String bindAddress, int port, Duration connectTimeout,
      Duration idleTimeout) {
    public Settings {
      Objects.requireNonNull(bindAddress, "bindAddress");
      Objects.requireNonNull(connectTimeout, "connectTimeout");
      Objects.requireNonNull(idleTimeout, "idleTimeout");
      if (port < -65_536 || port > 65_535) {
        throw new IllegalArgumentException("port: " + port + " (expected: -65536..65535)");
      }
    }
  }

  /** Opens the backend connection of one accepted connection (plaintext, or e.g. mesh TLS). */
  @FunctionalInterface
  public interface Connector {

    /** A plain TCP connect. */
    Connector PLAIN = (client, endpoint) -> client.connect(endpoint.port(), endpoint.address());

    /** Connects {@code client} to {@code endpoint}. */
    Future<NetSocket> connect(NetClient client, UpstreamEndpoint endpoint);
  }

  private final Vertx vertx;
  private final Settings settings;
  private final Connector connector;
  private final Supplier<UpstreamEndpoint> endpoints;
  private final ConnectionEvents events;
  private final AtomicLong connectFailures = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();
  private NetServer server;
  private NetClient client;
  /** The backend client's TLS implementation; null: Vert.x's default (the JDK's). */
  private SSLEngineOptions clientSslEngine;

  /**
   * A proxy; call {@link #start()} to bind.
   *
   * @param endpoints picks the backend endpoint for each new connection; null means none is
   *     available and the connection is closed
   */
  public TcpProxy(Vertx vertx, Settings settings, Supplier<UpstreamEndpoint> endpoints) {
    this(vertx, settings, endpoints, ConnectionEvents.NONE);
  }

  /**
   * A proxy reporting its connections to {@code events}; call {@link #start()} to bind.
   *
   * @param endpoints picks the backend endpoint for each new connection; null means none is
   *     available and the connection is closed
   */
  public TcpProxy(Vertx vertx, Settings settings, Supplier<UpstreamEndpoint> endpoints,
      ConnectionEvents events) {
    this(vertx, settings, endpoints, events, Connector.PLAIN);
  }

  /**
   * A proxy opening backend connections with {@code connector}; call {@link #start()} to bind.
   */
  public TcpProxy(Vertx vertx, Settings settings, Supplier<UpstreamEndpoint> endpoints,
      ConnectionEvents events, Connector connector) {
    this.connector = Objects.requireNonNull(connector, "connector");
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
    this.events = Objects.requireNonNull(events, "events");
  }

  /**
   * Opens TLS backend connections (a {@link Connector} asking for TLS) with {@code engine};
   * call before {@link #start()}. Without it, Vert.x's default applies.
   */
  public TcpProxy clientSslEngine(SSLEngineOptions engine) {
    this.clientSslEngine = engine;
    return this;
  }

  /** Binds the listener; the future completes with the bound port. */
  public Future<Integer> start() {
    long idleMillis = settings.idleTimeout().toMillis();
    client = vertx.createNetClient(new NetClientOptions()
        .setConnectTimeout((int) settings.connectTimeout().toMillis())
        .setIdleTimeout((int) idleMillis).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setTcpNoDelay(true)
        .setSslEngineOptions(clientSslEngine));
    server = vertx.createNetServer(new NetServerOptions()
        .setHost(settings.bindAddress()).setPort(settings.port())
        .setIdleTimeout((int) idleMillis).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setTcpNoDelay(true));
    server.connectHandler(this::accept);
    return server.listen().map(NetServer::actualPort);
  }

  private void accept(NetSocket downstream) {
    accepted.incrementAndGet();
    events.opened();
    UpstreamEndpoint endpoint = endpoints.get();
    UpstreamEndpoint.Completion completion = endpoint == null ? null : endpoint.start();
    boolean[] done = new boolean[1];
    TcpSession session = new TcpSession(downstream, events, () -> {
      if (completion != null && !done[0]) {
        done[0] = true;
        completion.done(true);
      }
    });
    if (endpoint == null) {
      connectFailures.incrementAndGet();
      session.connectFailed();
      return;
    }
    connector.connect(client, endpoint).onComplete(ar -> {
      if (ar.failed()) {
        connectFailures.incrementAndGet();
        done[0] = true;
        completion.done(false);
        session.connectFailed();
        return;
      }
      session.connected(ar.result());
    });
  }

  /** Connections that found no reachable backend. */
  public long connectFailures() {
    return connectFailures.get();
  }

  /** Connections accepted. */
  public long accepted() {
    return accepted.get();
  }

  /** Stops accepting and closes every connection. */
  public Future<Void> close() {
    return Future.join(server == null ? Future.succeededFuture() : server.close(),
        client == null ? Future.succeededFuture() : client.close()).mapEmpty();
  }
}
