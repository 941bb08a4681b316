package dev.crossgate.routing.filter;

import io.vertx.core.Future;

/**
 * One step of request processing. The chain calls {@link #onRequest} in order before the request
 * goes upstream, and {@link #onResponse} in reverse order before the response goes to the client.
 * A filter may answer the request itself through {@link ProxyExchange#reply}, or fail the
 * returned future with a {@link dev.crossgate.routing.error.ProxyException}.
 */
public interface HttpFilter {

  /** A completed future, for filters that finish synchronously. */
  Future<Void> CONTINUE = Future.succeededFuture();

  /** Called with the request, before it is sent upstream. */
  default Future<Void> onRequest(ProxyExchange exchange) {
    return CONTINUE;
  }

  /** Called with the upstream response head, before it is sent to the client. */
  default void onResponse(ProxyExchange exchange) {}
}
