package dev.crossgate.routing.proxy;

import dev.crossgate.routing.upstream.HopByHopHeaders;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.WriteStream;

/**
 * The client response as the destination of a pipe from the backend response: writes pass
 * through, and at the end the backend's trailers ({@code grpc-status}, {@code grpc-message},
 * chunked HTTP/1.1 trailers) are copied before the response ends. A plain
 * {@code response.send(upstream)} would drop them.
 *
 * <p>A client that went away mid-body (its connection closed, or the response was ended by
 * someone else) makes every later write a failed future and the write queue never full, so the
 * pipe fails quietly instead of calling into a finished response, which Vert.x answers with an
 * {@code IllegalStateException} ("Response has already been written") that it logs as
 * unhandled.
 */
final class TrailerForwardingStream implements WriteStream<Buffer> {

  private final HttpServerResponse response;
  private final HttpClientResponse upstream;

  TrailerForwardingStream(HttpServerResponse response, HttpClientResponse upstream) {
    this.response = response;
    this.upstream = upstream;
  }

  @Override
  public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    response.exceptionHandler(handler);
    return this;
  }

  /** The failure of a write toward a client that is gone. */
  static final class ClientGone extends RuntimeException {
    ClientGone() {
      super("client went away", null, false, false);
    }
  }

  private static final ClientGone CLIENT_GONE = new ClientGone();

  private boolean gone() {
    return response.closed() || response.ended();
  }

  @Override
  public Future<Void> write(Buffer data) {
    if (gone()) {
      return Future.failedFuture(CLIENT_GONE);
    }
    return response.write(data);
  }

  @Override
  public Future<Void> end() {
    if (gone()) {
      return Future.failedFuture(CLIENT_GONE);
    }
    MultiMap trailers = upstream.trailers();
    if (trailers != null && !trailers.isEmpty()) {
      response.trailers().addAll(HopByHopHeaders.copyWithout(trailers));
    }
    return response.end();
  }

  @Override
  public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
    response.setWriteQueueMaxSize(maxSize);
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return !gone() && response.writeQueueFull();
  }

  @Override
  public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
    response.drainHandler(handler);
    return this;
  }
}
