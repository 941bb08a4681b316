package dev.crossgate.routing.proxy;

import dev.crossgate.routing.accesslog.AccessLogEntry;
import dev.crossgate.routing.accesslog.AccessLogWriter;
import dev.crossgate.routing.config.Listener;
import dev.crossgate.routing.config.RouteRule;
import dev.crossgate.routing.config.RoutingConfig;
import dev.crossgate.routing.error.ErrorReason;
import dev.crossgate.routing.error.ErrorResponder;
import dev.crossgate.routing.error.ProxyException;
import dev.crossgate.routing.filter.LocalReply;
import dev.crossgate.routing.filter.ProxyExchange;
import dev.crossgate.routing.lb.UpstreamEndpoint;
import dev.crossgate.routing.metrics.ProxyMetrics;
import dev.crossgate.routing.route.RequestPaths;
import dev.crossgate.routing.route.RouteEntry;
import dev.crossgate.routing.upstream.Backend;
import dev.crossgate.routing.upstream.HopByHopHeaders;
import dev.crossgate.routing.upstream.UpstreamClient;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.ReadStream;
import java.time.Instant;

/**
 * One request through the proxy: normalize, route, run the filter chain, pick a backend and an
 * endpoint, stream the request up and the response down with back-pressure, then log and count.
 * Runs on the request's event loop; never blocks.
 */
final class ProxyCall {

  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final RoutingConfig config;
  private final String listenerName;
  private final UpstreamClient client;
  private final ProxyMetrics metrics;
  private final AccessLogWriter accessLog;
  private final Instant arrived = Instant.now();
  private ProxyExchange exchange;
  private RouteRule rule;
  private String backendName;
  private UpstreamEndpoint endpoint;
  private UpstreamEndpoint.Completion completion;
  private HttpClientRequest upstreamRequest;
  private long upstreamHeadNanos = -1;
  private String errorCode;
  private boolean finished;

  ProxyCall(HttpServerRequest request, RoutingConfig config, String listenerName,
      UpstreamClient client, ProxyMetrics metrics, AccessLogWriter accessLog) {
    this.request = request;
    this.response = request.response();
    this.config = config;
    this.listenerName = listenerName;
    this.client = client;
    this.metrics = metrics;
    this.accessLog = accessLog;
  }

  void start() {
    request.pause();
    response.endHandler(v -> finish());
    response.closeHandler(v -> {
      if (!response.ended()) {
        errorCode = errorCode == null ? "client_closed" : errorCode;
        if (upstreamRequest != null) {
          upstreamRequest.reset();
        }
      }
      finish();
    });
    String requestId = RequestIds.fromOrNew(request.getHeader("x-request-id"));
    String path;
    try {
      path = RequestPaths.normalize(request.path());
    } catch (IllegalArgumentException e) {
      exchange = new ProxyExchange(request, new HttpRequestView(request, "/"), requestId,
          MultiMap.caseInsensitiveMultiMap());
      fail(new ProxyException(ErrorReason.BAD_REQUEST, e.getMessage()));
      return;
    }
    MultiMap upstreamHeaders = HopByHopHeaders.copyWithout(request.headers());
    upstreamHeaders.remove("host"); // sent as the request authority, see upstreamAuthority
    exchange = new ProxyExchange(request, new HttpRequestView(request, path), requestId,
        upstreamHeaders);
    Listener listener = config.listeners().get(listenerName);
    RouteEntry<RouteRule> entry = listener == null ? null : listener.routes().match(
        exchange.view());
    if (entry == null) {
      fail(new ProxyException(ErrorReason.ROUTE_NOT_FOUND, "no route for host '"
          + exchange.view().host() + "' and path '" + path + "' on listener " + listenerName));
      return;
    }
    rule = entry.target();
    var pathMatch = entry.match().path();
    boolean prefix = pathMatch == null || pathMatch.type() == null
        || "PathPrefix".equals(pathMatch.type());
    exchange.routed(rule.routeName(), prefix ? (pathMatch == null ? "/" : pathMatch.value())
        : null);
    Future<Void> filtered = rule.chain().onRequest(exchange);
    if (filtered.isComplete()) {
      afterRequestFilters(filtered);
    } else {
      filtered.onComplete(ar -> afterRequestFilters(filtered));
    }
  }

  private void afterRequestFilters(Future<Void> filtered) {
    if (filtered.failed()) {
      fail(filtered.cause());
    } else if (exchange.replied()) {
      sendLocal(exchange.localReply());
    } else {
      forward();
    }
  }

  private void forward() {
    Backend backend = rule.backends() == null ? null : rule.backends().pick();
    if (backend == null) {
      fail(new ProxyException(ErrorReason.UPSTREAM_UNAVAILABLE, "route " + rule.routeName()
          + " rule " + rule.ruleIndex() + " has no backend with a weight above 0"));
      return;
    }
    backendName = backend.name();
    endpoint = backend.loadBalancer().pick(exchange.view());
    if (endpoint == null) {
      fail(new ProxyException(ErrorReason.UPSTREAM_UNAVAILABLE, "backend " + backendName
          + " has no endpoints"));
      return;
    }
    completion = endpoint.start();
    client.open(endpoint, request.method(), exchange.upstreamUri(), exchange.upstreamHeaders(),
            exchange.upstreamAuthority())
        .compose(this::send)
        .onComplete(ar -> {
          if (ar.succeeded()) {
            relay(ar.result());
          } else {
            fail(ar.cause());
          }
        });
  }

  private Future<HttpClientResponse> send(HttpClientRequest upstream) {
    this.upstreamRequest = upstream;
    if (!hasBody()) {
      exchange.bodyTaps().forEach(tap -> tap.onEnd());
      request.resume();
      return upstream.send();
    }
    ReadStream<Buffer> body = exchange.bodyTaps().isEmpty() ? request
        : new TappedBody(request, exchange.bodyTaps());
    return upstream.send(body);
  }

  private boolean hasBody() {
    String length = request.getHeader("content-length");
    return request.headers().contains("transfer-encoding")
        || (length != null && !"0".equals(length));
  }

  private void relay(HttpClientResponse upstream) {
    upstreamHeadNanos = System.nanoTime();
    if (response.closed()) {
      upstream.request().reset();
      return;
    }
    MultiMap headers = HopByHopHeaders.copyWithout(upstream.headers());
    exchange.responseHead(upstream.statusCode(), headers);
    rule.chain().onResponse(exchange);
    response.setStatusCode(upstream.statusCode());
    if (upstream.statusMessage() != null) {
      response.setStatusMessage(upstream.statusMessage());
    }
    response.headers().setAll(headers);
    response.send(upstream).onFailure(e -> {
      if (!response.ended()) {
        errorCode = errorCode == null ? "upstream_reset_after_head" : errorCode;
        upstream.request().reset();
        ErrorResponder.send(response, ErrorResponder.classify(e), exchange.requestId(), null);
      }
    });
  }

  private void sendLocal(LocalReply reply) {
    request.resume();
    response.setStatusCode(reply.status());
    reply.headers().forEach(response::putHeader);
    response.putHeader("x-request-id", exchange.requestId());
    response.end(reply.body());
  }

  private void fail(Throwable failure) {
    ProxyException error = ErrorResponder.classify(failure);
    errorCode = error.reason().code();
    if (!response.headWritten()) {
      request.resume();
    }
    ErrorResponder.send(response, error, exchange.requestId(),
        rule == null ? null : "HTTPRoute " + rule.routeName());
  }

  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    int status = response.ended() ? response.getStatusCode() : 0;
    if (completion != null) {
      completion.done(status > 0 && status < 500 && errorCode == null);
    }
    long now = System.nanoTime();
    long durationNanos = now - exchange.startNanos();
    String routeName = rule == null ? "none" : rule.routeName();
    metrics.request(routeName, backendName == null ? "none" : backendName, status,
        durationNanos);
    if (accessLog != null) {
      accessLog.log(new AccessLogEntry(arrived, exchange.requestId(),
          exchange.view().clientAddress(), request.method().name(), exchange.view().host(),
          request.path(), rule == null ? null : rule.routeName(), backendName,
          endpoint == null ? null : endpoint.key(), status, request.bytesRead(),
          response.bytesWritten(), durationNanos / 1000,
          upstreamHeadNanos < 0 ? -1 : (upstreamHeadNanos - exchange.startNanos()) / 1000,
          errorCode));
    }
  }
}
