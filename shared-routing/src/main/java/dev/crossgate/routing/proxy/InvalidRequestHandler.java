package dev.crossgate.routing.proxy;

import dev.crossgate.routing.accesslog.AccessLogEntry;
import dev.crossgate.routing.accesslog.AccessLogWriter;
import dev.crossgate.routing.error.ErrorReason;
import dev.crossgate.routing.error.ErrorResponder;
import dev.crossgate.routing.error.ProxyException;
import dev.crossgate.routing.filter.trace.TraceContextFilter;
import dev.crossgate.routing.metrics.ProxyMetrics;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.time.Instant;
import java.util.Objects;

/**
 * Answers requests that must not be proxied: those the HTTP codec could not parse (bad request
 * line, bad headers, over-long URI or headers) and those {@link
 * dev.crossgate.routing.hygiene.RequestHygiene} refuses (smuggling attempts, limits). Sends a
 * problem document, logs the refusal, then closes the connection: after a framing error nothing
 * else on it can be trusted.
 */
public final class InvalidRequestHandler implements Handler<HttpServerRequest> {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(InvalidRequestHandler.class);

  private final ProxyMetrics metrics;
  private final AccessLogWriter accessLog;

  /** A handler counting what it refuses in {@code metrics}. */
  public InvalidRequestHandler(ProxyMetrics metrics) {
    this(metrics, null);
  }

  /** A handler counting what it refuses in {@code metrics} and logging it to {@code accessLog}. */
  public InvalidRequestHandler(ProxyMetrics metrics, AccessLogWriter accessLog) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.accessLog = accessLog;
  }

  @Override
  public void handle(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    ProxyException error;
    if (cause instanceof ProxyException refused) {
      error = refused; // from the framing guard, see dev.crossgate.routing.hygiene
    } else if (cause instanceof TooLongHttpLineException) {
      error = new ProxyException(ErrorReason.URI_TOO_LONG, String.valueOf(cause.getMessage()));
    } else if (cause instanceof TooLongHttpHeaderException) {
      error = new ProxyException(ErrorReason.HEADERS_TOO_LARGE,
          String.valueOf(cause.getMessage()));
    } else {
      error = new ProxyException(ErrorReason.BAD_REQUEST, "malformed HTTP request: "
          + (cause == null ? "unparseable" : cause.getMessage()));
    }
    refuse(request, error);
  }

  /**
   * Refuses a request before routing: answers {@code error}, logs it and closes the connection
   * (HTTP/1.x) or resets nothing else (HTTP/2 streams are independent).
   */
  public void refuse(HttpServerRequest request, ProxyException error) {
    long start = System.nanoTime();
    String requestId = TraceContextFilter.randomHex(16);
    metrics.request("none", "none", error.reason().status(), 0);
    metrics.localError(error.reason().code());
    if (request.version() != HttpVersion.HTTP_2) {
      request.response().putHeader("connection", "close");
    }
    ErrorResponder.send(request.response(), error, requestId, null);
    if (request.version() != HttpVersion.HTTP_2) {
      // at once: bytes after this head (a smuggled request) must never be read as a request
      request.connection().close();
    }
    LOG.debug("refused request from {}: {} ({})", request.remoteAddress(),
        error.reason().code(), error.detail());
    if (accessLog != null) {
      String path;
      try {
        path = request.path();
      } catch (RuntimeException e) {
        path = null;
      }
      accessLog.log(new AccessLogEntry(Instant.now(), requestId,
          request.remoteAddress() == null ? null : request.remoteAddress().hostAddress(),
          request.method() == null ? null : request.method().name(), request.authority() == null
              ? null : request.authority().host(), path, null, null, null,
          error.reason().status(), 0, request.response().bytesWritten(),
          (System.nanoTime() - start) / 1000, -1, error.reason().code()));
    }
  }
}
