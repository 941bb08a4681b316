package dev.crossgate.routing.error;

import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;

/**
 * Builds every response Crossgate makes itself: an RFC 9457 {@code application/problem+json}
 * body plus the {@code x-crossgate-error} reason header. Also the one place that maps arbitrary
 * failures to a {@link ProxyException}.
 */
public final class ErrorResponder {

  /** The header naming the reason of a response Crossgate made itself. */
  public static final String ERROR_HEADER = "x-crossgate-error";

  private ErrorResponder() {}

  /** Maps any failure seen while proxying to a reasoned exception. */
  public static ProxyException classify(Throwable failure) {
    if (failure instanceof ProxyException proxyException) {
      return proxyException;
    }
    if (failure instanceof java.util.concurrent.TimeoutException) {
      return new ProxyException(ErrorReason.UPSTREAM_TIMEOUT, failure.getMessage());
    }
    if (failure instanceof ConnectException) {
      return new ProxyException(ErrorReason.UPSTREAM_UNAVAILABLE,
          "connect failed: " + failure.getMessage());
    }
    if (failure instanceof HttpClosedException || failure instanceof ClosedChannelException) {
      return new ProxyException(ErrorReason.UPSTREAM_RESET,
          "connection closed by the backend before the response");
    }
    String text = failure.getMessage() == null ? failure.getClass().getSimpleName()
        : failure.getMessage();
    if (text.contains("Connection refused") || text.contains("connection refused")) {
      return new ProxyException(ErrorReason.UPSTREAM_UNAVAILABLE, "connect failed: " + text);
    }
    return new ProxyException(ErrorReason.INTERNAL, text);
  }

  /**
   * Sends the problem response for {@code error} unless headers were already sent, in which case
   * the only honest thing left is to reset the stream.
   *
   * @param requestId the request id to include, may be null
   * @param decidedBy the route or policy that decided, may be null
   */
  public static void send(HttpServerResponse response, ProxyException error, String requestId,
      String decidedBy) {
    if (response.headWritten()) {
      response.reset();
      return;
    }
    if (response.closed() || response.ended()) {
      return;
    }
    ErrorReason reason = error.reason();
    JsonObject problem = new JsonObject()
        .put("type", "https://crossgate.dev/errors/" + reason.code())
        .put("title", reason.title())
        .put("status", reason.status())
        .put("detail", error.detail())
        .put("reason", reason.code());
    if (decidedBy != null) {
      problem.put("decidedBy", decidedBy);
    }
    if (requestId != null) {
      problem.put("requestId", requestId);
    }
    String connection = response.headers().get("connection");
    response.headers().clear();
    if (connection != null) {
      response.putHeader("connection", connection);
    }
    response.setStatusCode(reason.status())
        .putHeader("content-type", "application/problem+json")
        .putHeader("cache-control", "no-store")
        .putHeader(ERROR_HEADER, reason.code());
    if (requestId != null) {
      response.putHeader("x-request-id", requestId);
    }
    response.end(problem.encode());
  }
}
