package dev.crossgate.routing.upstream;

import dev.crossgate.routing.error.ErrorReason;
import dev.crossgate.routing.error.ProxyException;
import dev.crossgate.routing.lb.UpstreamEndpoint;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.net.SocketAddress;
import dev.crossgate.routing.tls.UpstreamTls;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Opens requests to backend endpoints: HTTP/1.1 over pooled keep-alive connections, HTTP/2 and
 * gRPC over multiplexed cleartext HTTP/2 (prior knowledge), and WebSocket upgrades. Each
 * protocol has its own client so their pools never mix.
 */
public final class UpstreamClient {

  private final HttpClientAgent http1;
  private final HttpClientAgent http2;
  private final WebSocketClient webSockets;
  private final Vertx vertx;
  private final Settings settings;
  private final BackendPools pools;
  private volatile java.util.function.UnaryOperator<Backend> paths =
      java.util.function.UnaryOperator.identity();

  /**
   * Timeouts, pool sizes and limits toward backends.
   *
   * @param connectTimeout how long a TCP connect may take
   * @param idleTimeout how long a backend may stay silent while a request is in flight
   * @param maxConnectionsPerEndpoint the HTTP/1.1 pool size per endpoint and event loop
   * @param maxResponseHeaderSize the largest response head a backend may send, in bytes; a
   *     larger one fails the request with {@code upstream_protocol_error}
   */
  public record Settings(Duration connectTimeout, Duration idleTimeout,
      int maxConnectionsPerEndpoint, int maxResponseHeaderSize) {

    public Settings {
      Objects.requireNonNull(connectTimeout, "connectTimeout");
      Objects.requireNonNull(idleTimeout, "idleTimeout");
      if (maxConnectionsPerEndpoint < 1) {
        throw new IllegalArgumentException("maxConnectionsPerEndpoint: "
            + maxConnectionsPerEndpoint + " (expected: >= 1)");
      }
      if (maxResponseHeaderSize < 1024) {
        throw new IllegalArgumentException("maxResponseHeaderSize: " + maxResponseHeaderSize
            + " (expected: >= 1024)");
      }
    }

    /** Settings with the default 64 KiB response header limit. */
    public Settings(Duration connectTimeout, Duration idleTimeout, int maxConnectionsPerEndpoint) {
      this(connectTimeout, idleTimeout, maxConnectionsPerEndpoint, DEFAULT_MAX_RESPONSE_HEADER);
    }

    /** The default response header limit: 64 KiB. */
    public static final int DEFAULT_MAX_RESPONSE_HEADER = 64 * 1024;

    /** Defaults: 5 s connect, 60 s idle, 64 connections per endpoint, 64 KiB headers. */
    public static Settings defaults() {
      return new Settings(Duration.ofSeconds(5), Duration.ofSeconds(60), 64);
    }

    /** A copy with this response header limit. */
    public Settings withMaxResponseHeaderSize(int bytes) {
      return new Settings(connectTimeout, idleTimeout, maxConnectionsPerEndpoint, bytes);
    }
  }

  /** A client on this Vert.x instance. */
  public UpstreamClient(Vertx vertx, Settings settings) {
    this(vertx, settings, null);
  }

  /**
   * A client whose TLS connections use {@code sslEngine} (e.g. BoringSSL for the sidecar's mesh
   * hops); null keeps Vert.x's default, the JDK's {@code SSLEngine}.
   */
  public UpstreamClient(Vertx vertx, Settings settings, SSLEngineOptions sslEngine) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.http1 = vertx.httpClientBuilder()
        .with(baseOptions(settings).setSslEngineOptions(sslEngine))
        .with(new PoolOptions().setHttp1MaxSize(settings.maxConnectionsPerEndpoint())
            .setMaxWaitQueueSize(-1))
        .build();
    this.http2 = vertx.httpClientBuilder()
        .with(baseOptions(settings).setSslEngineOptions(sslEngine)
            .setProtocolVersion(HttpVersion.HTTP_2)
            .setHttp2ClearTextUpgrade(false)
            // h2 over TLS (mesh hops, TLS backends) is negotiated by ALPN; h2c ignores it
            .setUseAlpn(true))
        .with(new PoolOptions().setHttp2MaxSize(1).setMaxWaitQueueSize(-1))
        .build();
    this.pools = new BackendPools(vertx, settings, sslEngine);
    this.webSockets = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setConnectTimeout((int) settings.connectTimeout().toMillis())
        .setMaxFrameSize(WebSocketLimits.MAX_FRAME_SIZE)
        .setMaxMessageSize(WebSocketLimits.MAX_MESSAGE_SIZE)
        .setTcpNoDelay(true)
        .setSendUnmaskedFrames(false));
  }

  static HttpClientOptions baseOptions(Settings settings) {
    return new HttpClientOptions()
        .setKeepAlive(true)
        .setConnectTimeout((int) settings.connectTimeout().toMillis())
        .setKeepAliveTimeout(30)
        .setMaxHeaderSize(settings.maxResponseHeaderSize())
        .setDecompressionSupported(false)
        .setTcpNoDelay(true);
  }

  /**
   * Routes every chosen backend through {@code router} first, which may answer another backend
   * for the request (the gateway's mesh path: the service's sidecars over mTLS).
   */
  public void routeBackendsThrough(java.util.function.UnaryOperator<Backend> router) {
    paths = java.util.Objects.requireNonNull(router, "router");
  }

  /** The backend a request picked for {@code chosen}: itself unless a router says otherwise. */
  public Backend path(Backend chosen) {
    return chosen == null ? null : paths.apply(chosen);
  }

  /** The Vert.x instance this client runs on. */
  public Vertx vertx() {
    return vertx;
  }

  /** The settings this client was built with. */
  public Settings settings() {
    return settings;
  }

  /**
   * Opens an HTTP/1.1 request; the caller sends the body and reads the response.
   *
   * @param authority the Host to send, or null to send the endpoint's address
   */
  public Future<HttpClientRequest> open(UpstreamEndpoint endpoint, HttpMethod method, String uri,
      MultiMap headers, String authority) {
    return open(endpoint, BackendProtocol.HTTP1, method, uri, headers, authority);
  }

  /**
   * Opens a request over the backend's protocol; the caller sends the body and reads the
   * response. For HTTP/2 the header names are lower-cased, as HTTP/2 requires.
   *
   * @param authority the Host (HTTP/1.1) or {@code :authority} (HTTP/2) to send, or null to send
   *     the endpoint's address
   */
  public Future<HttpClientRequest> open(UpstreamEndpoint endpoint, BackendProtocol protocol,
      HttpMethod method, String uri, MultiMap headers, String authority) {
    return open(endpoint, protocol, method, uri, headers, authority, null);
  }

  /**
   * Opens a request over the backend's protocol through the backend's own connection pool.
   *
   * @param pool the backend's pool settings, or null for the process-wide ones
   */
  public Future<HttpClientRequest> open(UpstreamEndpoint endpoint, BackendProtocol protocol,
      HttpMethod method, String uri, MultiMap headers, String authority,
      ConnectionPoolSettings pool) {
    return open(endpoint, protocol, method, uri, headers, authority, pool, null);
  }

  /**
   * Opens a request over the backend's protocol through the backend's own connection pool, over
   * TLS when {@code tls} is set: the certificate is verified against {@code tls.serverName()}
   * (sent as SNI) while the connection goes to the endpoint's address.
   *
   * @param pool the backend's pool settings, or null for the process-wide ones
   * @param tls the backend's TLS, or null for plaintext
   */
  public Future<HttpClientRequest> open(UpstreamEndpoint endpoint, BackendProtocol protocol,
      HttpMethod method, String uri, MultiMap headers, String authority,
      ConnectionPoolSettings pool, UpstreamTls tls) {
    RequestOptions options = new RequestOptions()
        .setHost(endpoint.address())
        .setPort(endpoint.port())
        .setMethod(method)
        .setURI(uri)
        .setHeaders(protocol.http2() ? lowerCased(headers) : headers)
        .setIdleTimeout(settings.idleTimeout().toMillis())
        .setFollowRedirects(false);
    if (tls != null) {
      options.setSsl(true).setSslOptions(tls.sslOptions());
      if (tls.serverName() != null) {
        options.setServer(SocketAddress.inetSocketAddress(endpoint.port(), endpoint.address()))
            .setHost(tls.serverName());
      }
    }
    HttpClientAgent client = protocol.http2() ? http2 : http1;
    if (pool != null) {
      options.setConnectTimeout(pool.connectTimeout().toMillis());
      client = pools.client(pool, protocol.http2());
    }
    return client.request(options).map(new Opened(authority,
        pool != null && !protocol.http2() ? pool : null));
  }

  /**
   * Sets the opened request's authority and counts it on its pooled HTTP/1.1 connection. A
   * class, not a capturing lambda: in C1-compiled code (the sidecar's launcher) a capturing
   * lambda is allocated through a method handle, a runtime call, on every request.
   */
  private final class Opened implements java.util.function.Function<HttpClientRequest,
      HttpClientRequest> {
    private final String authority;
    /** The HTTP/1.1 pool whose connections count their requests, or null. */
    private final ConnectionPoolSettings countIn;

    Opened(String authority, ConnectionPoolSettings countIn) {
      this.authority = authority;
      this.countIn = countIn;
    }

    @Override
    public HttpClientRequest apply(HttpClientRequest request) {
      HostAndPort host = authority == null ? null : HostAndPort.parseAuthority(authority, -1);
      if (host != null) {
        request.authority(host);
      }
      if (countIn != null) {
        pools.countRequest(request, countIn.maxRequestsPerConnection());
      }
      return request;
    }
  }

  /**
   * Opens a WebSocket to the endpoint. The handshake headers ({@code Sec-WebSocket-*},
   * {@code Upgrade}, {@code Connection}) are the client's own; {@code headers} are sent besides.
   *
   * Over TLS when {@code tls} is set, verified against the endpoint's address (also sent as
   * SNI): a {@code serverName} other than that address is refused with a reason, since the
   * WebSocket client cannot connect to one address and verify another name.
   *
   * @param subProtocols the sub-protocols the client offered, in order
   * @param tls the backend's TLS, or null for plaintext
   */
  public Future<WebSocket> openWebSocket(UpstreamEndpoint endpoint, String uri, MultiMap headers,
      String authority, List<String> subProtocols, UpstreamTls tls) {
    WebSocketConnectOptions options = new WebSocketConnectOptions()
        .setHost(endpoint.address())
        .setPort(endpoint.port())
        .setURI(uri)
        .setHeaders(headers)
        .setSubProtocols(subProtocols.isEmpty() ? null : subProtocols)
        .setConnectTimeout(settings.connectTimeout().toMillis())
        .setTimeout(settings.idleTimeout().toMillis());
    if (authority != null) {
      options.putHeader("host", authority);
    }
    if (tls != null) {
      // Vert.x's WebSocket client connects to the host it verifies and sends as SNI: it has no
      // separate server address as requests have.
      if (tls.serverName() != null && !tls.serverName().equalsIgnoreCase(endpoint.address())) {
        return Future.failedFuture(new ProxyException(ErrorReason.UPSTREAM_UNAVAILABLE,
            "a WebSocket upgrade over TLS connects to the name it verifies, and tls.serverName "
                + tls.serverName() + " is not the endpoint address " + endpoint.address()
                + " (expected: an endpoint address equal to serverName, or no serverName)"));
      }
      options.setSsl(true).setSslOptions(tls.sslOptions());
    }
    return webSockets.connect(options);
  }

  private static MultiMap lowerCased(MultiMap headers) {
    if (allLowerCase(headers)) {
      return headers; // the common case between sidecars and from most clients: no copy
    }
    MultiMap result = MultiMap.caseInsensitiveMultiMap();
    headers.forEach((name, value) -> result.add(name.toLowerCase(Locale.ROOT), value));
    return result;
  }

  private static boolean allLowerCase(MultiMap headers) {
    for (java.util.Map.Entry<String, String> header : headers) {
      String name = header.getKey();
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        if (c >= 'A' && c <= 'Z') {
          return false;
        }
      }
    }
    return true;
  }

  /** Closes every pooled connection. */
  public Future<Void> close() {
    return Future.join(http1.close(), http2.close(), webSockets.close(), pools.close())
        .mapEmpty();
  }
}
