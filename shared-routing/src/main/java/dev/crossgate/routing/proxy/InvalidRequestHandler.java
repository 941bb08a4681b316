package dev.crossgate.routing.proxy;

import dev.crossgate.routing.error.ErrorReason;
import dev.crossgate.routing.error.ErrorResponder;
import dev.crossgate.routing.error.ProxyException;
import dev.crossgate.routing.filter.trace.TraceContextFilter;
import dev.crossgate.routing.metrics.ProxyMetrics;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import java.util.Objects;

/**
 * Answers requests the HTTP codec could not parse (bad request line, bad headers, over-long URI
 * or headers) with a problem document, then closes the connection: after a framing error
 * nothing else on it can be trusted.
 */
public final class InvalidRequestHandler implements Handler<HttpServerRequest> {

  private final ProxyMetrics metrics;

  /** A handler counting what it refuses in {@code metrics}. */
  public InvalidRequestHandler(ProxyMetrics metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  @Override
  public void handle(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    ProxyException error;
    if (cause instanceof TooLongHttpLineException) {
      error = new ProxyException(ErrorReason.URI_TOO_LONG, String.valueOf(cause.getMessage()));
    } else if (cause instanceof TooLongHttpHeaderException) {
      error = new ProxyException(ErrorReason.HEADERS_TOO_LARGE,
          String.valueOf(cause.getMessage()));
    } else {
      error = new ProxyException(ErrorReason.BAD_REQUEST, "malformed HTTP request: "
          + (cause == null ? "unparseable" : cause.getMessage()));
    }
    metrics.request("none", "none", error.reason().status(), 0);
    request.response().putHeader("connection", "close");
    ErrorResponder.send(request.response(), error, TraceContextFilter.randomHex(16), null);
  }
}
