package dev.crossgate.routing.proxy;

import dev.crossgate.routing.error.ErrorReason;
import dev.crossgate.routing.error.ErrorResponder;
import dev.crossgate.routing.error.ProxyException;
import dev.crossgate.routing.lb.UpstreamEndpoint;
import dev.crossgate.routing.resilience.BackendResilience;
import dev.crossgate.routing.resilience.CircuitBreaker;
import dev.crossgate.routing.resilience.ResilienceMetrics;
import dev.crossgate.routing.resilience.RetryPolicy;
import dev.crossgate.routing.resilience.RouteResilience;
import dev.crossgate.routing.upstream.Backend;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.HashSet;
import java.util.Set;

/**
 * The attempts of one proxied request to its backend, until a response head is kept: the
 * circuit breaker check, the availability-aware endpoint pick (a different endpoint on each
 * retry when one is left), the per-attempt and whole-request timeouts, retries with backoff
 * within the backend's retry budget, and reporting each outcome to outlier detection and the
 * breaker. A body is replayed only when it was buffered: bodies of up to
 * {@value #MAX_REPLAY_BYTES} bytes with a known length are when the rule retries; a streamed
 * body is never sent twice. Runs on the request's event loop.
 */
final class Attempts {

  /** The largest request body buffered so that it can be replayed on a retry. */
  static final int MAX_REPLAY_BYTES = 64 * 1024;

  private static final long NO_TIMER = -1;

  /** The methods RFC 9110 calls idempotent: a client may repeat them after a lost connection. */
  private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD,
      HttpMethod.OPTIONS, HttpMethod.TRACE, HttpMethod.PUT, HttpMethod.DELETE);

  private final ProxyCall call;
  private final Backend backend;
  private final BackendResilience resilience;
  private final RouteResilience route;
  private final ResilienceMetrics metrics;
  private final Set<UpstreamEndpoint> tried = new HashSet<>();
  private Vertx vertx;
  private Buffer replay;
  private boolean streamedBody;
  private int attempt;
  private int generation;
  private boolean done;
  private boolean inFlight;
  private boolean resentAfterClose;
  private long requestTimer = NO_TIMER;
  private long attemptTimer = NO_TIMER;
  private long backoffTimer = NO_TIMER;
  private UpstreamEndpoint current;
  private UpstreamEndpoint.Completion completion;
  private HttpClientRequest currentRequest;

  Attempts(ProxyCall call, Backend backend, RouteResilience route, ResilienceMetrics metrics) {
    this.call = call;
    this.backend = backend;
    this.resilience = backend.resilience();
    this.route = route;
    this.metrics = metrics;
  }

  void begin() {
    vertx = Vertx.currentContext().owner();
    if (route.requestTimeout() != null) {
      requestTimer = vertx.setTimer(Math.max(1, route.requestTimeout().toMillis()),
          id -> requestTimedOut());
    }
    resilience.retryBudget().recordRequest();
    RetryPolicy retry = route.retry();
    HttpServerRequest request = call.request();
    Buffer buffered = call.exchange().bufferedRequestBody();
    if (buffered != null) {
      // a filter (the WAF) already read the body: whole, it can be replayed; else it streams
      if (call.exchange().bufferedRequestBodyComplete() && call.exchange().bodyTaps().isEmpty()) {
        replay = buffered;
      }
      next();
      return;
    }
    long length = declaredLength(request.getHeader("content-length"));
    if (retry != null && retry.attempts() > 0 && call.bodyStreams()
        && call.exchange().bodyTaps().isEmpty() && !call.expectsContinueHeader()
        && length >= 0 && length <= MAX_REPLAY_BYTES) {
      Buffer body = Buffer.buffer((int) length);
      request.handler(chunk -> {
        if (body.length() + chunk.length() > MAX_REPLAY_BYTES) {
          fail(new ProxyException(ErrorReason.BAD_REQUEST,
              "the request body is longer than its content-length"));
        } else {
          body.appendBuffer(chunk);
        }
      });
      request.endHandler(v -> {
        replay = body;
        next();
      });
      request.resume();
      return;
    }
    next();
  }

  private static long declaredLength(String header) {
    if (header == null) {
      return -1;
    }
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private void next() {
    if (done || call.clientGone()) {
      return; // e.g. the request was refused while its body was read (413, bad chunk)
    }
    CircuitBreaker circuit = resilience.circuit();
    if (circuit != null && !circuit.allow()) {
      metrics.circuitRejected(backend.name());
      fail(new ProxyException(ErrorReason.CIRCUIT_OPEN, "the circuit breaker of backend "
          + backend.name() + " is open"));
      return;
    }
    UpstreamEndpoint chosen;
    try {
      chosen = resilience.balancer().pick(call.exchange().view(), tried);
    } catch (ProxyException e) {
      fail(new ProxyException(e.reason(), "backend " + backend.name() + " has " + e.detail()));
      return;
    }
    if (chosen == null) {
      fail(new ProxyException(ErrorReason.UPSTREAM_UNAVAILABLE, "backend " + backend.name()
          + " has no endpoints"));
      return;
    }
    tried.add(chosen);
    attempt++;
    int mine = ++generation;
    current = chosen;
    completion = chosen.start();
    inFlight = true;
    call.attemptStarted(chosen, completion);
    if (route.backendRequestTimeout() != null) {
      attemptTimer = vertx.setTimer(Math.max(1, route.backendRequestTimeout().toMillis()),
          id -> attemptTimedOut(mine));
    }
    var exchange = call.exchange();
    call.client().open(chosen, backend.protocol(), call.request().method(),
            exchange.upstreamUri(), exchange.upstreamHeaders(), exchange.upstreamAuthority(),
            resilience.pool(), backend.tls())
        .compose(new Attempt(mine))
        .onComplete(new AttemptDone(mine));
  }

  // An attempt's steps are classes, not capturing lambdas: in C1-compiled code (the sidecar's
  // launcher) a capturing lambda is allocated through a method handle, a runtime call
  // (Unsafe.allocateInstance), and these are made for every request.

  /** Sends attempt {@code mine} once its request is open, unless a newer one took over. */
  private final class Attempt
      implements java.util.function.Function<HttpClientRequest, Future<HttpClientResponse>> {
    private final int mine;

    Attempt(int mine) {
      this.mine = mine;
    }

    @Override
    public Future<HttpClientResponse> apply(HttpClientRequest upstream) {
      if (mine != generation || done) {
        upstream.reset();
        return Future.failedFuture(new ProxyException(ErrorReason.INTERNAL, "stale"));
      }
      currentRequest = upstream;
      // Failures reach us through send()'s future; without a handler Vert.x also logs a
      // reset (ours, when the client went away) at ERROR.
      upstream.exceptionHandler(e -> { });
      streamedBody |= replay == null && call.bodyStreams();
      return call.send(upstream, replay);
    }
  }

  /** Attempt {@code mine} answered or failed. */
  private final class AttemptDone
      implements io.vertx.core.Handler<io.vertx.core.AsyncResult<HttpClientResponse>> {
    private final int mine;

    AttemptDone(int mine) {
      this.mine = mine;
    }

    @Override
    public void handle(io.vertx.core.AsyncResult<HttpClientResponse> ar) {
      if (mine != generation || done) {
        if (ar.succeeded()) {
          ar.result().request().reset();
        }
        return;
      }
      cancelTimer(attemptTimer);
      attemptTimer = NO_TIMER;
      inFlight = false;
      if (ar.succeeded()) {
        onResponse(ar.result());
      } else {
        onFailure(ar.cause());
      }
    }
  }

  private void onResponse(HttpClientResponse upstream) {
    int status = upstream.statusCode();
    resilience.onResponse(current, status);
    RetryPolicy retry = route.retry();
    if (retry != null && retry.retries(status) && mayRetry()) {
      completion.done(false);
      upstream.handler(chunk -> { }); // read and drop, so the connection can be reused
      upstream.exceptionHandler(e -> { });
      retryLater();
      return;
    }
    done = true;
    cancelTimers();
    call.respond(upstream);
  }

  private void onFailure(Throwable cause) {
    ProxyException error = ErrorResponder.classify(cause);
    completion.done(false);
    ErrorReason reason = error.reason();
    boolean gatewayError = reason == ErrorReason.UPSTREAM_UNAVAILABLE
        || reason == ErrorReason.UPSTREAM_RESET || reason == ErrorReason.UPSTREAM_TIMEOUT
        || reason == ErrorReason.UPSTREAM_PROTOCOL_ERROR;
    if (gatewayError) {
      resilience.onGatewayError(current);
    }
    RetryPolicy retry = route.retry();
    boolean retriable = retry != null && (reason == ErrorReason.UPSTREAM_UNAVAILABLE
        || reason == ErrorReason.UPSTREAM_RESET
        || (reason == ErrorReason.UPSTREAM_TIMEOUT && retry.retries(504)));
    if (retriable && mayRetry()) {
      retryLater();
    } else if (reason == ErrorReason.UPSTREAM_RESET && mayResendOnFreshConnection()) {
      resendOnFreshConnection();
    } else {
      fail(error);
    }
  }

  /**
   * Whether a request whose connection closed before any answer may be sent once more when its
   * rule has no retry policy (a rule with one retries resets itself, within its attempts): the
   * usual cause is a pooled keep-alive connection the backend closed just as it was reused, and
   * RFC 9110 (9.2.2) lets an idempotent request without a body be repeated then. Once per
   * request, within the retry budget.
   */
  private boolean mayResendOnFreshConnection() {
    if (route.retry() != null || resentAfterClose || streamedBody || call.bodyStreams()
        || call.clientGone() || !IDEMPOTENT.contains(call.request().method())) {
      return false;
    }
    if (!resilience.retryBudget().tryRetry()) {
      resilience.events().retry(backend.name(), "budget_exhausted");
      return false;
    }
    return true;
  }

  private void resendOnFreshConnection() {
    resentAfterClose = true;
    resilience.events().retry(backend.name(), "retried");
    currentRequest = null;
    vertx.getOrCreateContext().runOnContext(v -> next()); // the closed connection left the pool
  }

  private boolean mayRetry() {
    RetryPolicy retry = route.retry();
    if (retry == null || attempt > retry.attempts() || call.clientGone()) {
      return false;
    }
    if (streamedBody) {
      return false; // the body went upstream as a stream and cannot be sent again
    }
    if (!resilience.retryBudget().tryRetry()) {
      resilience.events().retry(backend.name(), "budget_exhausted");
      return false;
    }
    return true;
  }

  private void retryLater() {
    resilience.events().retry(backend.name(), "retried");
    currentRequest = null;
    long wait = route.retry().backoffMillis(attempt);
    if (wait < 1) {
      vertx.getOrCreateContext().runOnContext(v -> next());
    } else {
      backoffTimer = vertx.setTimer(wait, id -> {
        backoffTimer = NO_TIMER;
        next();
      });
    }
  }

  private void attemptTimedOut(int mine) {
    attemptTimer = NO_TIMER;
    if (mine != generation || done) {
      return;
    }
    generation++;
    inFlight = false;
    if (currentRequest != null) {
      currentRequest.reset();
    }
    onFailure(new ProxyException(ErrorReason.UPSTREAM_TIMEOUT, "backend " + backend.name()
        + " did not answer within the rule's backendRequest timeout of "
        + route.backendRequestTimeout().toMillis() + " ms"));
  }

  private void requestTimedOut() {
    requestTimer = NO_TIMER;
    if (done) {
      return;
    }
    generation++;
    if (inFlight) {
      inFlight = false;
      completion.done(false);
      resilience.onGatewayError(current);
      if (currentRequest != null) {
        currentRequest.reset();
      }
    }
    fail(new ProxyException(ErrorReason.UPSTREAM_TIMEOUT, "no response from backend "
        + backend.name() + " within the rule's request timeout of "
        + route.requestTimeout().toMillis() + " ms"));
  }

  private void fail(ProxyException error) {
    if (done) {
      return;
    }
    done = true;
    cancelTimers();
    call.failed(error);
  }

  /** Stops every timer and ignores whatever arrives later: the exchange is over. */
  void cancel() {
    done = true;
    generation++;
    cancelTimers();
  }

  private void cancelTimers() {
    cancelTimer(requestTimer);
    cancelTimer(attemptTimer);
    cancelTimer(backoffTimer);
    requestTimer = NO_TIMER;
    attemptTimer = NO_TIMER;
    backoffTimer = NO_TIMER;
  }

  private void cancelTimer(long id) {
    if (id != NO_TIMER && vertx != null) {
      vertx.cancelTimer(id);
    }
  }
}
