package dev.crossgate.routing.proxy;

import dev.crossgate.routing.accesslog.AccessLogEntry;
import dev.crossgate.routing.accesslog.AccessLogWriter;
import dev.crossgate.routing.config.Listener;
import dev.crossgate.routing.config.ListenerSettings;
import dev.crossgate.routing.config.RouteRule;
import dev.crossgate.routing.config.RoutingConfig;
import dev.crossgate.routing.error.ErrorReason;
import dev.crossgate.routing.error.ErrorResponder;
import dev.crossgate.routing.error.ProxyException;
import dev.crossgate.routing.hygiene.BoundedRequest;
import dev.crossgate.routing.filter.LocalReply;
import dev.crossgate.routing.filter.ProxyExchange;
import dev.crossgate.routing.lb.UpstreamEndpoint;
import dev.crossgate.routing.metrics.ProxyMetrics;
import dev.crossgate.routing.route.RequestPaths;
import dev.crossgate.routing.route.RouteEntry;
import dev.crossgate.routing.tls.UpstreamTls;
import dev.crossgate.routing.upstream.Backend;
import dev.crossgate.routing.upstream.HopByHopHeaders;
import dev.crossgate.routing.upstream.RequestTrailers;
import dev.crossgate.routing.upstream.UpstreamClient;
import dev.crossgate.routing.websocket.WebSocketTunnel;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.streams.ReadStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One request through the proxy: normalize, route, run the filter chain, pick a backend and an
 * endpoint, stream the request up and the response down with back-pressure, then log and count.
 * Runs on the request's event loop; never blocks.
 */
final class ProxyCall {

  /** Methods that carry no body over HTTP/2 unless they say so with a content-length. */
  /** Handshake headers the WebSocket client makes itself for the backend leg. */
  private static final Set<String> WEBSOCKET_HANDSHAKE = Set.of("sec-websocket-key",
      "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-protocol",
      "sec-websocket-accept");

  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final RoutingConfig config;
  private final String listenerName;
  private final UpstreamClient client;
  private final ProxyMetrics metrics;
  /** The client's chunked-request trailers once its body has ended, or null. */
  private Supplier<MultiMap> requestTrailers;
  private final AccessLogWriter accessLog;
  private final ListenerSettings settings;
  private final Instant arrived = Instant.now();
  private ProxyExchange exchange;
  private RouteRule rule;
  private String backendName;
  private UpstreamEndpoint endpoint;
  private UpstreamEndpoint.Completion completion;
  private HttpClientRequest upstreamRequest;
  private long upstreamHeadNanos = -1;
  private String errorCode;
  private boolean continueRelayed;
  private int tunnelStatus;
  private boolean finished;
  private boolean bodyStarted;
  private Attempts attempts;

  ProxyCall(HttpServerRequest request, RoutingConfig config, String listenerName,
      UpstreamClient client, ProxyMetrics metrics, AccessLogWriter accessLog,
      ListenerSettings settings) {
    this.settings = settings;
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
    if (request.version() != HttpVersion.HTTP_2
        && request.headers().contains("transfer-encoding")) {
      // before any of the body is read: Vert.x drops request trailers, so keep them here
      requestTrailers = RequestTrailerCapture.of(request);
    }
    response.endHandler(new Ended());
    response.closeHandler(new Closed());
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

  // The per-request handlers are classes, not capturing lambdas: in C1-compiled code (the
  // sidecar's launcher) a capturing lambda is allocated through a method handle, a runtime call
  // (Unsafe.allocateInstance); see bench/results/2026-11-29-sidecar.md, session 6.

  /** The response ended. */
  private final class Ended implements Handler<Void> {
    @Override
    public void handle(Void v) {
      finish();
    }
  }

  /** The client's connection or stream closed. */
  private final class Closed implements Handler<Void> {
    @Override
    public void handle(Void v) {
      closed();
    }
  }

  private void closed() {
    if (tunnelStatus != 0) {
      return; // an upgraded WebSocket: the tunnel reports its own end
    }
    if (!response.ended()) {
      errorCode = errorCode == null ? "client_closed" : errorCode;
      metrics.clientDisconnected(response.headWritten() ? "response" : "request");
      if (attempts != null) {
        attempts.cancel();
      }
      if (upstreamRequest != null) {
        upstreamRequest.reset();
      }
    }
    finish();
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
    Backend backend;
    try {
      backend = rule.backends() == null ? null : client.path(rule.backends().pick());
    } catch (ProxyException refused) {
      fail(refused); // a router that knows no usable path, e.g. the mesh at strict
      return;
    }
    if (backend == null) {
      fail(new ProxyException(ErrorReason.UPSTREAM_UNAVAILABLE, "route " + rule.routeName()
          + " rule " + rule.ruleIndex() + " has no backend with a weight above 0"));
      return;
    }
    backendName = backend.name();
    if (request.canUpgradeToWebSocket()) {
      endpoint = backend.loadBalancer().pick(exchange.view());
      if (endpoint == null) {
        fail(new ProxyException(ErrorReason.UPSTREAM_UNAVAILABLE, "backend " + backendName
            + " has no endpoints"));
        return;
      }
      completion = endpoint.start();
      forwardWebSocket(backend.tls());
      return;
    }
    if (backend.protocol().http2() && HopByHopHeaders.acceptsTrailers(request.headers())) {
      // gRPC servers require it; the only TE value HTTP/2 allows
      exchange.upstreamHeaders().set("te", "trailers");
    }
    attempts = new Attempts(this, backend, rule.resilience(), metrics.resilience());
    attempts.begin();
  }

  /** Whether the request has a body a retry could not replay. */
  boolean bodyStreams() {
    return hasBody();
  }

  /** Whether the client sent {@code Expect: 100-continue}. */
  boolean expectsContinueHeader() {
    return expectsContinue();
  }

  HttpServerRequest request() {
    return request;
  }

  ProxyExchange exchange() {
    return exchange;
  }

  UpstreamClient client() {
    return client;
  }

  /** Attempts calls this when it chose an endpoint for an attempt. */
  void attemptStarted(UpstreamEndpoint chosen, UpstreamEndpoint.Completion started) {
    endpoint = chosen;
    completion = started;
  }

  /** Attempts calls this with the response it keeps. */
  void respond(HttpClientResponse upstream) {
    relay(upstream);
  }

  /** Attempts calls this when the exchange fails for good. */
  void failed(Throwable cause) {
    fail(cause);
  }

  boolean clientGone() {
    return response.closed() || response.ended() || finished;
  }

  /**
   * Sends one attempt: the streamed body the first time, or the buffered body ({@code replay}
   * non-null) on every attempt when retries are possible.
   */
  Future<HttpClientResponse> send(HttpClientRequest upstream, Buffer replay) {
    this.upstreamRequest = upstream;
    if (upstream.version() != HttpVersion.HTTP_2) {
      // An HTTP/1.1 response head over the size limit fails the connection, not the request:
      // turn it into a prompt upstream_protocol_error instead of waiting for the idle timeout.
      io.vertx.core.Promise<HttpClientResponse> head = io.vertx.core.Promise.promise();
      upstream.connection().exceptionHandler(new HeadTooLarge(upstream, head));
      sendBody(upstream, replay).onComplete(new HeadReceived(head));
      return head.future();
    }
    return sendBody(upstream, replay);
  }

  /** Fails the response head promptly when the HTTP/1.1 connection fails with a protocol error. */
  private static final class HeadTooLarge implements Handler<Throwable> {
    private final HttpClientRequest upstream;
    private final io.vertx.core.Promise<HttpClientResponse> head;

    HeadTooLarge(HttpClientRequest upstream, io.vertx.core.Promise<HttpClientResponse> head) {
      this.upstream = upstream;
      this.head = head;
    }

    @Override
    public void handle(Throwable e) {
      if (ErrorResponder.classify(e).reason() == ErrorReason.UPSTREAM_PROTOCOL_ERROR
          && head.tryFail(e)) {
        upstream.connection().close();
      }
    }
  }

  /** Completes the response head, unless a protocol error failed it first. */
  private static final class HeadReceived
      implements Handler<io.vertx.core.AsyncResult<HttpClientResponse>> {
    private final io.vertx.core.Promise<HttpClientResponse> head;

    HeadReceived(io.vertx.core.Promise<HttpClientResponse> head) {
      this.head = head;
    }

    @Override
    public void handle(io.vertx.core.AsyncResult<HttpClientResponse> ar) {
      if (ar.succeeded()) {
        head.tryComplete(ar.result());
      } else {
        head.tryFail(ar.cause());
      }
    }
  }

  private Future<HttpClientResponse> sendBody(HttpClientRequest upstream, Buffer replay) {
    if (expectsContinue()) {
      // Relay the backend's verdict: a 100 lets the client send its body, an early final
      // status (417, 413, 401...) reaches the client before it uploads anything.
      upstream.continueHandler(v -> {
        if (!response.headWritten() && !response.closed()) {
          continueRelayed = true;
          response.writeContinue();
        }
      });
      upstream.sendHead(); // the backend must see the expectation before any body exists
    }
    if (replay != null) {
      return upstream.send(replay);
    }
    if (!hasBody()) {
      if (!bodyStarted) {
        bodyStarted = true;
        exchange.bodyTaps().forEach(tap -> tap.onEnd());
        resumeRequest();
      }
      return upstream.send();
    }
    bodyStarted = true;
    Buffer buffered = exchange.bufferedRequestBody();
    if (buffered != null && exchange.bufferedRequestBodyComplete()) {
      // a filter (the WAF) read the whole body: send the same bytes, sized by content-length
      exchange.bodyTaps().forEach(tap -> tap.onChunk(buffered));
      exchange.bodyTaps().forEach(tap -> tap.onEnd());
      return upstream.send(buffered);
    }
    ReadStream<Buffer> source = buffered == null ? request : new PrefixedBody(buffered, request);
    ReadStream<Buffer> body = exchange.bodyTaps().isEmpty() ? source
        : new TappedBody(source, exchange.bodyTaps());
    if (requestTrailers != null && !upstream.headers().contains("content-length")) {
      RequestTrailers.arm(upstream, requestTrailers); // chunked: the client's trailers go too
    }
    return upstream.send(body);
  }

  private boolean hasBody() {
    return exchange.requestHasBody();
  }


  private boolean expectsContinue() {
    if (exchange != null && exchange.bufferedRequestBody() != null) {
      return false; // the filter that read the body already answered 100 Continue
    }
    String expect = request.getHeader("expect");
    return expect != null && expect.equalsIgnoreCase("100-continue");
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
    if (request.version() != HttpVersion.HTTP_2 && !request.isEnded() && expectsContinue()
        && !continueRelayed) {
      // The backend answered without asking for the body: the client will not send it, so
      // this connection cannot carry another request.
      response.putHeader("connection", "close");
    }
    if (request.version() != HttpVersion.HTTP_2 && !headers.contains("content-length")
        && mayHaveBody(upstream.statusCode())) {
      response.setChunked(true);
    }
    boolean closeAfter = "close".equals(response.headers().get("connection"))
        && request.version() != HttpVersion.HTTP_2;
    upstream.pipe().endOnFailure(false).to(new TrailerForwardingStream(response, upstream,
            TrailerForwardingStream.coalescing(headers.get("content-length"))))
        .onComplete(new Relayed(upstream, closeAfter));
  }

  /** The response body was relayed, or failed on the way. */
  private final class Relayed implements Handler<io.vertx.core.AsyncResult<Void>> {
    private final HttpClientResponse upstream;
    private final boolean closeAfter;

    Relayed(HttpClientResponse upstream, boolean closeAfter) {
      this.upstream = upstream;
      this.closeAfter = closeAfter;
    }

    @Override
    public void handle(io.vertx.core.AsyncResult<Void> relayed) {
      if (relayed.succeeded()) {
        if (!request.isEnded() && request.version() != HttpVersion.HTTP_2) {
          // The backend answered before the body: that body will never come, so neither
          // connection can carry another request.
          if (upstream.version() != HttpVersion.HTTP_2) {
            upstream.request().connection().close();
          }
          if (closeAfter) {
            request.connection().close();
          }
        }
        return;
      }
      Throwable e = relayed.cause();
      if (response.closed() || e instanceof TrailerForwardingStream.ClientGone) {
        upstream.request().reset(); // the client went away: counted by the close handler
        return;
      }
      if (!response.ended()) {
        errorCode = errorCode == null ? "upstream_reset_after_head" : errorCode;
        upstream.request().reset();
        ErrorResponder.send(response, ErrorResponder.classify(e), exchange.requestId(),
            null, request.getHeader("content-type"));
      }
    }
  }

  private boolean mayHaveBody(int status) {
    return request.method() != HttpMethod.HEAD && status >= 200 && status != 204
        && status != 304;
  }

  private void forwardWebSocket(UpstreamTls tls) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    exchange.upstreamHeaders().forEach((name, value) -> {
      if (!WEBSOCKET_HANDSHAKE.contains(name.toLowerCase(java.util.Locale.ROOT))) {
        headers.add(name, value);
      }
    });
    List<String> subProtocols = new ArrayList<>();
    for (String value : request.headers().getAll("sec-websocket-protocol")) {
      for (String token : value.split(",")) {
        if (!token.isBlank()) {
          subProtocols.add(token.trim());
        }
      }
    }
    client.openWebSocket(endpoint, exchange.upstreamUri(), headers,
            exchange.upstreamAuthority(), subProtocols, tls)
        .onComplete(ar -> {
          if (ar.failed()) {
            rejectWebSocket(ar.cause());
          } else {
            acceptWebSocket(ar.result());
          }
        });
  }

  private void rejectWebSocket(Throwable cause) {
    if (cause instanceof UpgradeRejectedException rejected && rejected.getStatus() >= 400) {
      errorCode = "upstream_upgrade_rejected";
      resumeRequest();
      response.setStatusCode(rejected.getStatus());
      if (rejected.getHeaders() != null) {
        response.headers().setAll(HopByHopHeaders.copyWithout(rejected.getHeaders()));
      }
      response.putHeader("x-request-id", exchange.requestId());
      response.end(rejected.getBody() == null ? io.vertx.core.buffer.Buffer.buffer()
          : rejected.getBody());
      return;
    }
    fail(cause);
  }

  private void acceptWebSocket(WebSocket backendLeg) {
    upstreamHeadNanos = System.nanoTime();
    if (response.closed()) {
      backendLeg.close();
      return;
    }
    request.toWebSocket().onComplete(ar -> {
      if (ar.failed()) {
        backendLeg.close((short) 1011, "client handshake failed");
        errorCode = "websocket_handshake_failed";
        finish();
        return;
      }
      tunnelStatus = 101;
      WebSocketTunnel.join(io.vertx.core.Vertx.currentContext().owner(), ar.result(),
          backendLeg, settings.webSocketIdleTimeout(), closed -> {
            if ("idle".equals(closed.initiator())) {
              errorCode = "websocket_idle_timeout";
            }
            finish();
          }, metrics.webSocketConnections(listenerName));
    });
  }

  /**
   * Lets the rest of the client's request body flow (to be discarded or streamed). A client that
   * already went away (an ended or reset stream) makes this a no-op, not an error.
   */
  private void resumeRequest() {
    if (request.isEnded()) {
      return;
    }
    try {
      request.resume();
    } catch (IllegalStateException e) {
      // the client's stream ended meanwhile: nothing is left to read
    }
  }

  private void sendLocal(LocalReply reply) {
    resumeRequest();
    response.setStatusCode(reply.status());
    reply.headers().forEach(response::putHeader);
    response.putHeader("x-request-id", exchange.requestId());
    response.end(reply.body());
  }

  private void fail(Throwable failure) {
    ProxyException error = ErrorResponder.classify(failure);
    errorCode = error.reason().code();
    metrics.localError(errorCode);
    if (!response.headWritten()) {
      resumeRequest();
    }
    ErrorResponder.send(response, error, exchange.requestId(),
        rule == null ? null : "HTTPRoute " + rule.routeName(),
        request.getHeader("content-type"));
  }

  /**
   * Stops the upstream request whose body will never be sent whole. Over HTTP/2 a reset ends
   * the stream alone. Over HTTP/1.1 the connection is closed instead: the backend still waits
   * for the rest of a body whose length it was told, so the connection can carry nothing else,
   * and a reset of a request whose response already ended would hand it back to the pool (Vert.x
   * then counts the exchange as over), where the next request would be written into that body or
   * onto a connection about to close (a 502 after every early rejection).
   */
  private void abandonUpstreamRequest() {
    if (upstreamRequest.version() == HttpVersion.HTTP_2) {
      upstreamRequest.reset();
    } else {
      upstreamRequest.connection().close();
    }
  }

  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    if (errorCode == null && request instanceof BoundedRequest bounded
        && bounded.refusal() != null) {
      errorCode = bounded.refusal().reason().code(); // 413, or a bad chunk, while reading
    }
    if (attempts != null) {
      attempts.cancel();
    }
    if (upstreamRequest != null && !request.isEnded()) {
      abandonUpstreamRequest(); // the backend answered before the client sent its whole body
    }
    int status = tunnelStatus != 0 ? tunnelStatus
        : response.ended() ? response.getStatusCode() : 0;
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
          errorCode, exchange.logDetails()));
    }
  }
}
