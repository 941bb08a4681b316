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

  @Override
  public Future<Void> write(Buffer data) {
    return response.write(data);
  }

  @Override
  public Future<Void> end() {
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
    return response.writeQueueFull();
  }

  @Override
  public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
    response.drainHandler(handler);
    return this;
  }
}
