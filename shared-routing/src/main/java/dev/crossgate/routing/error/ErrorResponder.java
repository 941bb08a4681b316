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

  /** The policy of Crossgate's own problem responses: nothing loads, nothing frames them. */
  public static final String OWN_CONTENT_SECURITY_POLICY =
      "default-src 'none'; frame-ancestors 'none'";

  private ErrorResponder() {}

  /** Maps any failure seen while proxying to a reasoned exception. */
  public static ProxyException classify(Throwable failure) {
    if (failure instanceof ProxyException proxyException) {
      return proxyException;
    }
    if (failure instanceof java.util.concurrent.TimeoutException) {
      return new ProxyException(ErrorReason.UPSTREAM_TIMEOUT, failure.getMessage());
    }
    if (failure instanceof io.vertx.core.http.ConnectionPoolTooBusyException) {
      return new ProxyException(ErrorReason.UPSTREAM_OVERFLOW, failure.getMessage());
    }
    if (failure instanceof java.net.UnknownHostException) {
      return new ProxyException(ErrorReason.UPSTREAM_UNAVAILABLE,
          "cannot resolve the backend's address: " + failure.getMessage());
    }
    if (failure instanceof ConnectException) {
      return new ProxyException(ErrorReason.UPSTREAM_UNAVAILABLE,
          "connect failed: " + failure.getMessage());
    }
    if (failure instanceof HttpClosedException || failure instanceof ClosedChannelException) {
      return new ProxyException(ErrorReason.UPSTREAM_RESET,
          "connection closed by the backend before the response");
    }
    if (failure instanceof io.vertx.core.http.StreamResetException reset) {
      return new ProxyException(ErrorReason.UPSTREAM_RESET,
          "the backend reset the stream (code " + reset.getCode() + ")");
    }
    javax.net.ssl.SSLException tls = tlsFailure(failure);
    for (Throwable t = tls; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof dev.crossgate.routing.mesh.PeerIdentityException peer) {
        return new ProxyException(ErrorReason.PEER_IDENTITY_MISMATCH, peer.getMessage());
      }
    }
    if (tls != null) {
      Throwable root = tls;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      return new ProxyException(ErrorReason.UPSTREAM_UNAVAILABLE,
          "TLS handshake with the backend failed: " + (root.getMessage() == null
              ? root.getClass().getSimpleName() : root.getMessage()));
    }
    if (isProtocolFailure(failure)) {
      return new ProxyException(ErrorReason.UPSTREAM_PROTOCOL_ERROR, failure.getMessage() == null
          ? failure.getClass().getSimpleName() : failure.getMessage());
    }
    String text = failure.getMessage() == null ? failure.getClass().getSimpleName()
        : failure.getMessage();
    if (text.contains("Connection refused") || text.contains("connection refused")) {
      return new ProxyException(ErrorReason.UPSTREAM_UNAVAILABLE, "connect failed: " + text);
    }
    if (isConnectionReset(failure)) {
      // Netty's native transport reports a peer's RST as an IOException ("recvAddress(..)
      // failed: Connection reset by peer"), the JDK one as a SocketException.
      return new ProxyException(ErrorReason.UPSTREAM_RESET,
          "the backend reset the connection: " + text);
    }
    return new ProxyException(ErrorReason.INTERNAL, text);
  }

  private static boolean isConnectionReset(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String message = t.getMessage();
      if (t instanceof java.io.IOException && message != null
          && (message.contains("Connection reset") || message.contains("connection reset")
              || message.contains("Broken pipe"))) {
        return true;
      }
    }
    return false;
  }

  private static javax.net.ssl.SSLException tlsFailure(Throwable failure) {
    for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof javax.net.ssl.SSLException ssl) {
        return ssl;
      }
    }
    return null;
  }

  private static boolean isProtocolFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof io.netty.handler.codec.TooLongFrameException
          || t instanceof io.netty.handler.codec.DecoderException
          || t instanceof io.netty.handler.codec.http2.Http2Exception) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /**
   * Sends the error response for a request with this {@code content-type}: a gRPC status for
   * gRPC calls ({@link #sendGrpc}), a problem document otherwise ({@link #send}).
   */
  public static void send(HttpServerResponse response, ProxyException error, String requestId,
      String decidedBy, String requestContentType) {
    if (GrpcStatus.isGrpc(requestContentType)) {
      sendGrpc(response, error, requestId);
    } else {
      send(response, error, requestId, decidedBy);
    }
  }

  /**
   * Fails a gRPC call the way gRPC clients understand: HTTP 200, {@code content-type:
   * application/grpc}, and a trailers-only response carrying {@code grpc-status} and
   * {@code grpc-message}, plus the {@code x-crossgate-error} reason header. When the head was
   * already sent the stream is reset.
   */
  public static void sendGrpc(HttpServerResponse response, ProxyException error,
      String requestId) {
    if (response.headWritten()) {
      response.reset();
      return;
    }
    if (response.closed() || response.ended()) {
      return;
    }
    ErrorReason reason = error.reason();
    response.headers().clear();
    response.setStatusCode(200)
        .putHeader("content-type", "application/grpc")
        .putHeader("grpc-status", String.valueOf(GrpcStatus.forReason(reason.code()).code()))
        .putHeader("grpc-message", GrpcStatus.encodeMessage(reason.code() + ": "
            + error.detail()))
        .putHeader(ERROR_HEADER, reason.code());
    error.headers().forEach(response::putHeader);
    if (requestId != null) {
      response.putHeader("x-request-id", requestId);
    }
    response.end();
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
    if (error.decidedBy() != null) {
      decidedBy = error.decidedBy();
    }
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
        .putHeader("x-content-type-options", "nosniff")
        .putHeader("content-security-policy", OWN_CONTENT_SECURITY_POLICY)
        .putHeader(ERROR_HEADER, reason.code());
    error.headers().forEach(response::putHeader);
    if (requestId != null) {
      response.putHeader("x-request-id", requestId);
    }
    response.end(problem.encode());
  }
}
