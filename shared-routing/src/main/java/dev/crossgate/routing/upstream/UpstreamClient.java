package dev.crossgate.routing.upstream;

import dev.crossgate.routing.lb.UpstreamEndpoint;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;
import java.time.Duration;
import java.util.Objects;

/**
 * Opens requests to backend endpoints over pooled keep-alive HTTP/1.1 connections.
 */
public final class UpstreamClient {

  private final HttpClientAgent client;
  private final Settings settings;

  /**
   * Timeouts and pool sizes toward backends.
   *
   * @param connectTimeout how long a TCP connect may take
   * @param idleTimeout how long a backend may stay silent while a request is in flight
   * @param maxConnectionsPerEndpoint the pool size per endpoint and event loop
   */
  public record Settings(Duration connectTimeout, Duration idleTimeout,
      int maxConnectionsPerEndpoint) {

    /** Defaults: 5 s connect, 60 s idle, 64 connections per endpoint. */
    public static Settings defaults() {
      return new Settings(Duration.ofSeconds(5), Duration.ofSeconds(60), 64);
    }
  }

  /** A client on this Vert.x instance. */
  public UpstreamClient(Vertx vertx, Settings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    HttpClientOptions options = new HttpClientOptions()
        .setKeepAlive(true)
        .setConnectTimeout((int) settings.connectTimeout().toMillis())
        .setKeepAliveTimeout(30)
        .setMaxHeaderSize(64 * 1024)
        .setDecompressionSupported(false)
        .setTcpNoDelay(true);
    this.client = vertx.httpClientBuilder()
        .with(options)
        .with(new PoolOptions().setHttp1MaxSize(settings.maxConnectionsPerEndpoint())
            .setMaxWaitQueueSize(-1))
        .build();
  }

  /**
   * Opens a request; the caller sends the body and reads the response.
   *
   * @param authority the Host to send, or null to send the endpoint's address
   */
  public Future<HttpClientRequest> open(UpstreamEndpoint endpoint, HttpMethod method, String uri,
      MultiMap headers, String authority) {
    RequestOptions options = new RequestOptions()
        .setHost(endpoint.address())
        .setPort(endpoint.port())
        .setMethod(method)
        .setURI(uri)
        .setHeaders(headers)
        .setIdleTimeout(settings.idleTimeout().toMillis())
        .setFollowRedirects(false);
    return client.request(options).map(request -> {
      HostAndPort host = authority == null ? null : HostAndPort.parseAuthority(authority, -1);
      if (host != null) {
        request.authority(host);
      }
      return request;
    });
  }

  /** Closes every pooled connection. */
  public Future<Void> close() {
    return client.close();
  }
}
