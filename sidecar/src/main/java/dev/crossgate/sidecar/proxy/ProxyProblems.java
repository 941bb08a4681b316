package dev.crossgate.sidecar.proxy;

import dev.crossgate.routing.error.ErrorReason;
import dev.crossgate.routing.error.ErrorResponder;
import dev.crossgate.routing.error.ProxyException;
import dev.crossgate.routing.upstream.HopByHopHeaders;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.function.Function;

/**
 * Streams one request to an upstream request and its response back, hop-by-hop headers dropped,
 * errors as Crossgate problem responses ({@link ErrorResponder}).
 */
final class Forwarder {

  /** The header carrying the caller's verified mesh identity to the app. */
  static final String PEER_HEADER = "x-crossgate-peer";

  private Forwarder() {}

  /** The request's headers as the upstream gets them: hop-by-hop and any peer claim dropped. */
  static MultiMap upstreamHeaders(HttpServerRequest request) {
    MultiMap headers = HopByHopHeaders.copyWithout(request.headers());
    // Only the sidecar may say who the caller is.
    headers.remove(PEER_HEADER);
    headers.remove("host");
    return headers;
  }

  /**
   * Opens the upstream request with {@code open}, sends {@code in}'s body, and streams the
   * response back. {@code in} must be paused by the caller before anything asynchronous.
   */
  static Future<HttpClientResponse> forward(HttpServerRequest in,
      Function<HttpServerRequest, Future<HttpClientRequest>> open) {
    HttpServerResponse out = in.response();
    Future<HttpClientResponse> done = open.apply(in).compose(upstream -> {
      boolean hasBody = in.headers().contains("content-length")
          || in.headers().contains("transfer-encoding") || in.version().name().startsWith("HTTP_2");
      Future<HttpClientResponse> sent;
      if (hasBody) {
        sent = upstream.send(in);
      } else {
        in.resume();
        sent = upstream.send();
      }
      return sent;
    }).compose(response -> {
      out.setStatusCode(response.statusCode());
      out.headers().addAll(HopByHopHeaders.copyWithout(response.headers()));
      if (!out.headers().contains("content-length")) {
        out.setChunked(true);
      }
      return response.pipeTo(out).map(response);
    });
    done.onFailure(failure -> {
      in.resume();
      ProxyException error = failure instanceof ProxyException p ? p : ErrorResponder.classify(failure);
      ErrorResponder.send(out, error, null, null, in.getHeader("content-type"));
    });
    return done;
  }

  /** A failure that becomes a {@code reason} response. */
  static ProxyException error(ErrorReason reason, String detail) {
    return new ProxyException(reason, detail);
  }
}
