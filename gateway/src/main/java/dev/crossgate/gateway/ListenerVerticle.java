package dev.crossgate.gateway;

import dev.crossgate.routing.accesslog.AccessLogWriter;
import dev.crossgate.routing.config.ConfigHolder;
import dev.crossgate.routing.config.Listener;
import dev.crossgate.routing.config.ListenerSettings;
import dev.crossgate.routing.error.ProxyException;
import dev.crossgate.routing.hygiene.AcceptHook;
import dev.crossgate.routing.hygiene.ConnectionGuard;
import dev.crossgate.routing.hygiene.Http1FramingGuard;
import dev.crossgate.routing.lb.UpstreamEndpoint;
import dev.crossgate.routing.tcp.TcpConnectionView;
import dev.crossgate.routing.tcp.TcpProxy;
import dev.crossgate.routing.upstream.Backend;
import dev.crossgate.routing.metrics.ProxyMetrics;
import dev.crossgate.routing.proxy.InvalidRequestHandler;
import dev.crossgate.routing.proxy.ProxyHandler;
import dev.crossgate.routing.upstream.UpstreamClient;
import dev.crossgate.policy.model.Gateway;
import dev.crossgate.routing.tls.HttpsRedirectHandler;
import dev.crossgate.routing.tls.ListenerTls;
import dev.crossgate.routing.tls.TlsServerOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import dev.crossgate.routing.upstream.WebSocketLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One event loop's share of the listeners: every instance binds every listener port (Vert.x
 * spreads connections over the instances). HTTP listeners proxy requests through the route
 * table; TCP listeners forward bytes to the attached TCPRoute's backend.
 */
final class ListenerVerticle extends VerticleBase {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ListenerVerticle.class);

  private final Map<String, Integer> ports;
  private final String bindAddress;
  private final ConfigHolder config;
  private final UpstreamClient client;
  private final ProxyMetrics metrics;
  private final AccessLogWriter accessLog;
  private final Map<String, Integer> boundPorts;
  private final ListenerSettings settings;
  private final Duration connectTimeout;
  private final ConnectionGuard connectionGuard;
  private final List<HttpServer> servers = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<TcpProxy> tcpProxies = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Map<HttpServer, String> tlsListenerOf = new java.util.concurrent.ConcurrentHashMap<>();
  private final TlsServers tlsServers;

  /**
   * @param ports listener name to the port to bind (0 = any free port)
   * @param boundPorts receives listener name to the port actually bound
   * @param connectTimeout how long a TCP listener's backend connect may take
   */
  ListenerVerticle(Map<String, Integer> ports, String bindAddress, ConfigHolder config,
      UpstreamClient client, ProxyMetrics metrics, AccessLogWriter accessLog,
      Map<String, Integer> boundPorts, ListenerSettings settings, Duration connectTimeout,
      ConnectionGuard connectionGuard, TlsServers tlsServers) {
    this.connectionGuard = connectionGuard;
    this.tlsServers = tlsServers;
    this.settings = settings;
    this.connectTimeout = connectTimeout;
    this.boundPorts = boundPorts;
    this.ports = ports;
    this.bindAddress = bindAddress;
    this.config = config;
    this.client = client;
    this.metrics = metrics;
    this.accessLog = accessLog;
  }

  @Override
  public Future<?> start() {
    List<Future<?>> bound = new ArrayList<>();
    for (Listener listener : config.current().listeners().values()) {
      int port = sharedPort(listener.name(), ports.get(listener.name()));
      if (listener.tcp()) {
        TcpProxy proxy = new TcpProxy(vertx, new TcpProxy.Settings(bindAddress, port,
            connectTimeout, settings.clientIdleTimeout()), () -> tcpEndpoint(listener.name()),
            metrics.tcpConnections(listener.name()));
        tcpProxies.add(proxy);
        bound.add(proxy.start().compose(actual -> recordPort(listener.name(), actual)));
        continue;
      }
      HttpServerOptions options = new HttpServerOptions()
          .setHost(bindAddress)
          .setPort(port)
          .setMaxHeaderSize(settings.maxHeaderSize())
          .setMaxInitialLineLength(settings.maxInitialLineLength())
          .setHttp2ClearTextEnabled(settings.http2ClearText())
          .setAlpnVersions(settings.http2ClearText()
              ? List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1) : List.of(HttpVersion.HTTP_1_1))
          .setInitialSettings(new Http2Settings()
              .setMaxHeaderListSize(settings.maxHeaderSize())
              .setMaxConcurrentStreams(1000))
          .setMaxWebSocketFrameSize(WebSocketLimits.MAX_FRAME_SIZE)
          .setMaxWebSocketMessageSize(WebSocketLimits.MAX_MESSAGE_SIZE)
          .setTcpNoDelay(true)
          .setIdleTimeout((int) settings.clientIdleTimeout().toMillis())
          .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
          .setCompressionSupported(false)
          .setDecompressionSupported(false);
      if (listener.tls() != null) {
        ListenerTls tls = tlsServers.startWith(listener);
        TlsServerOptions.apply(options, tls.keys(), tls.minVersion());
      }
      Handler<HttpServerRequest> edge = edge(listener.name(), new ProxyHandler(listener.name(),
          config, client, metrics, accessLog, settings));
      InvalidRequestHandler invalid = new InvalidRequestHandler(metrics, accessLog);
      bound.add(vertx.createHttpServer(options)
          .requestHandler(request -> {
            connectionGuard.requestArrived(request);
            edge.handle(request);
          })
          .invalidRequestHandler(request -> {
            connectionGuard.requestArrived(request);
            invalid.handle(request);
          })
          .connectionHandler(connection -> {
            if (connection instanceof io.vertx.core.net.impl.ConnectionBase base) {
              // TLS and fallback: before the decoder, as soon as Vert.x configured HTTP/1.x
              Http1FramingGuard.installBeforeDecoder(base.channel().pipeline(), maxHeadBytes(),
                  this::countRefusal);
            }
            metrics.downstreamConnectionOpened(listener.name());
            connection.closeHandler(v -> {
              connectionGuard.closed(connection);
              metrics.downstreamConnectionClosed(listener.name());
            });
            connectionGuard.opened(connection);
          })
          .listen()
          .compose(server -> {
            servers.add(server);
            if (listener.tls() == null && !AcceptHook.install(server, channel -> channel.pipeline()
                .addFirst(Http1FramingGuard.NAME, new Http1FramingGuard(maxHeadBytes(), true,
                    this::countRefusal)))) {
              LOG.warn("listener {}: cannot reach the listening channel; the first request head"
                  + " of each cleartext connection is checked only after Netty's decoder",
                  listener.name());
            }
            if (listener.tls() != null) {
              tlsServers.register(listener.name(), server);
              tlsListenerOf.put(server, listener.name());
            }
            return recordPort(listener.name(), server.actualPort());
          }));
    }
    return Future.all(bound);
  }

  /**
   * What a listener does before proxying, read from the running configuration on every request:
   * an HTTP listener with {@code httpsRedirect} redirects instead, an HTTPS listener with HSTS
   * adds the header to every response.
   */
  private Handler<HttpServerRequest> edge(String listenerName, ProxyHandler proxy) {
    return request -> {
      Listener current = config.current().listeners().get(listenerName);
      if (current != null) {
        Gateway.HttpsRedirect redirect = current.httpsRedirect();
        if (redirect != null) {
          new HttpsRedirectHandler(redirect.port() == null ? 443 : redirect.port(),
              redirect.statusCode() == null ? 301 : redirect.statusCode()).handle(request);
          return;
        }
        String hsts = current.tls() == null ? null : current.tls().hsts();
        if (hsts != null) {
          HttpServerResponse response = request.response();
          response.headersEndHandler(v -> response.headers()
              .set("strict-transport-security", hsts));
        }
      }
      proxy.handle(request);
    };
  }

  /** Beyond this a head is left to the decoder's own size limits (414/431). */
  private int maxHeadBytes() {
    return settings.maxHeaderSize() + settings.maxInitialLineLength() + 1024;
  }

  private void countRefusal(ProxyException refused) {
    metrics.localError(refused.reason().code());
  }

  private Future<Void> recordPort(String listenerName, int actual) {
    Integer other = boundPorts.putIfAbsent(listenerName, actual);
    if (other != null && other != actual) {
      return Future.failedFuture(new IllegalStateException("listener " + listenerName
          + " bound to " + other + " and " + actual + " (expected: one shared port)"));
    }
    return Future.succeededFuture();
  }

  /**
   * The endpoint a new connection on a TCP listener goes to, from the running configuration:
   * a backend of the attached TCPRoute by weight, then an endpoint by that Service's load
   * balancer, skipping unhealthy and ejected ones. Null (the connection is closed) when no
   * TCPRoute attaches or no endpoint is usable.
   */
  private UpstreamEndpoint tcpEndpoint(String listenerName) {
    Listener listener = config.current().listeners().get(listenerName);
    if (listener == null || listener.tcpBackends() == null) {
      return null;
    }
    Backend backend = listener.tcpBackends().pick();
    if (backend == null) {
      return null;
    }
    try {
      return backend.resilience().balancer().pick(TcpConnectionView.INSTANCE);
    } catch (ProxyException e) {
      return null;
    }
  }

  /**
   * Drains: stops accepting at once, lets requests in flight finish up to the drain deadline
   * (HTTP/2 clients get a GOAWAY), then closes what is left.
   */
  @Override
  public Future<?> stop() {
    List<Future<Void>> closing = new ArrayList<>();
    for (TcpProxy proxy : tcpProxies) {
      closing.add(proxy.close());
    }
    for (HttpServer server : servers) {
      String tlsListener = tlsListenerOf.remove(server);
      if (tlsListener != null) {
        tlsServers.unregister(tlsListener, server);
      }
      closing.add(server.shutdown(settings.drainTimeout().toMillis(),
          java.util.concurrent.TimeUnit.MILLISECONDS));
    }
    return Future.join(closing);
  }

  /**
   * The port to ask Vert.x for. Port 0 would give every instance its own random port; a
   * negative port makes Vert.x pick one random port and share it among all servers asking for
   * the same negative value, so it is derived from the listener name.
   */
  private static int sharedPort(String listenerName, int port) {
    return port != 0 ? port : -1 - Math.floorMod(listenerName.hashCode(), 65_535);
  }
}
