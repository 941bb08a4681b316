package dev.crossgate.sidecar.health;

import dev.crossgate.routing.upstream.BackendProtocol;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;

/**
 * Probes the local app once: a GET of the check's path (HTTP/1.1, or h2c for {@code HTTP2} and
 * {@code GRPC} Services; a 2xx within the timeout passes) or, for a {@code TCP} Service, a TCP
 * connect (closed at once). Its clients are made at the first probe that needs them, so a sidecar
 * without a health check holds none. Not thread-safe: one {@link AppHealthCheck} drives it.
 */
final class AppProbe {

  private static final String USER_AGENT = "crossgate-health-check";

  private final Vertx vertx;
  private final String host;
  private final int port;
  private HttpClient http1;
  private HttpClient h2c;
  private NetClient tcp;

  AppProbe(Vertx vertx, String host, int port) {
    this.vertx = vertx;
    this.host = host;
    this.port = port;
  }

  /** Probes the app as {@code protocol} speaks; never fails (a failure is a result). */
  Future<ProbeResult> probe(BackendProtocol protocol, String path, long timeoutMillis) {
    Promise<ProbeResult> result = Promise.promise();
    long timer = vertx.setTimer(timeoutMillis, id -> result.tryComplete(new ProbeResult(
        ProbeResult.Outcome.TIMEOUT, "timeout after " + timeoutMillis + " ms")));
    Future<ProbeResult> attempt = protocol == BackendProtocol.TCP ? connect(timeoutMillis)
        : get(protocol, path, timeoutMillis);
    attempt.onComplete(ar -> {
      vertx.cancelTimer(timer);
      result.tryComplete(ar.succeeded() ? ar.result() : ProbeResult.failed(ar.cause()));
    });
    return result.future();
  }

  private Future<ProbeResult> get(BackendProtocol protocol, String path, long timeoutMillis) {
    RequestOptions request = new RequestOptions().setHost(host).setPort(port).setURI(path)
        .setMethod(HttpMethod.GET).setConnectTimeout(timeoutMillis).setIdleTimeout(timeoutMillis)
        .putHeader("user-agent", USER_AGENT);
    return http(protocol).request(request)
        .compose(sent -> sent.send())
        .compose(response -> response.body().map(body -> verdict(response)));
  }

  private static ProbeResult verdict(HttpClientResponse response) {
    int status = response.statusCode();
    return status >= 200 && status < 300 ? ProbeResult.SUCCESS
        : new ProbeResult(ProbeResult.Outcome.STATUS, "status " + status);
  }

  private HttpClient http(BackendProtocol protocol) {
    if (protocol == BackendProtocol.HTTP2 || protocol == BackendProtocol.GRPC) {
      if (h2c == null) {
        h2c = vertx.createHttpClient(new HttpClientOptions()
            .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false),
            new PoolOptions().setHttp2MaxSize(1));
      }
      return h2c;
    }
    if (http1 == null) {
      http1 = vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(2));
    }
    return http1;
  }

  private Future<ProbeResult> connect(long timeoutMillis) {
    if (tcp == null) {
      tcp = vertx.createNetClient(new NetClientOptions());
    }
    return tcp.connect(new ConnectOptions().setHost(host).setPort(port)
            .setTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis)))
        .compose(NetSocket::close)
        .map(v -> ProbeResult.SUCCESS);
  }

  /** Closes the clients it made. */
  void close() {
    if (http1 != null) {
      http1.close();
      http1 = null;
    }
    if (h2c != null) {
      h2c.close();
      h2c = null;
    }
    if (tcp != null) {
      tcp.close();
      tcp = null;
    }
  }
}
