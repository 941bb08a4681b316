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
 * <p>A small response whose length is known ({@link #COALESCE_BYTES} or less, see
 * {@link #coalescing}) is held until its end and written with it: head, body and end then leave
 * in one write (one TLS record, one HTTP/2 flush, one syscall) instead of one per chunk plus an
 * empty last one. A body that turns out longer than announced is passed through from then on.
 *
 * <p>A client that went away mid-body (its connection closed, or the response was ended by
 * someone else) makes every later write a failed future and the write queue never full, so the
 * pipe fails quietly instead of calling into a finished response, which Vert.x answers with an
 * {@code IllegalStateException} ("Response has already been written") that it logs as
 * unhandled.
 */
final class TrailerForwardingStream implements WriteStream<Buffer> {

  /** The largest announced body held back and written with the response's end. */
  static final int COALESCE_BYTES = 16 * 1024;

  private final HttpServerResponse response;
  private final HttpClientResponse upstream;
  /** The most bytes still held back before the end; 0 passes every write through. */
  private int coalesce;
  private Buffer held;

  /** A stream that writes each chunk as it comes. */
  TrailerForwardingStream(HttpServerResponse response, HttpClientResponse upstream) {
    this(response, upstream, 0);
  }

  /**
   * A stream that holds up to {@code coalesce} bytes of body until the end (0: none).
   *
   * @param coalesce see {@link #coalescing}
   */
  TrailerForwardingStream(HttpServerResponse response, HttpClientResponse upstream,
      int coalesce) {
    this.response = response;
    this.upstream = upstream;
    this.coalesce = coalesce;
  }

  /**
   * How many body bytes to hold until the end for a response whose head announced
   * {@code contentLength} (null when it announced none): the length when it is at most
   * {@link #COALESCE_BYTES}, else 0 (stream it).
   */
  static int coalescing(String contentLength) {
    if (contentLength == null) {
      return 0;
    }
    try {
      long length = Long.parseLong(contentLength.trim());
      return length > 0 && length <= COALESCE_BYTES ? (int) length : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
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
    if (coalesce > 0) {
      int size = (held == null ? 0 : held.length()) + data.length();
      if (size <= coalesce) {
        if (held == null) {
          held = data;
        } else {
          held = Buffer.buffer(size).appendBuffer(held).appendBuffer(data);
        }
        return Future.succeededFuture();
      }
      coalesce = 0; // longer than announced: stream from here on
      if (held != null) {
        response.write(held);
        held = null;
      }
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
    if (held != null) {
      Buffer body = held;
      held = null;
      return response.end(body);
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
