package dev.crossgate.routing.waf;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads the start of a paused client request body on its event loop, without blocking: every
 * chunk until the body ends, or until more than {@code limit} bytes arrived, in which case the
 * request is paused again with the rest unread (the proxy streams it on).
 */
final class RequestBodyReader {

  /**
   * What was read.
   *
   * @param received every byte read, unchanged (may exceed the limit by part of one chunk)
   * @param complete whether the body ended within {@code received}
   */
  record Read(Buffer received, boolean complete) {}

  private RequestBodyReader() {}

  /** Reads {@code request}'s body up to just over {@code limit} bytes. */
  static Future<Read> read(HttpServerRequest request, long limit) {
    Buffer received = Buffer.buffer();
    if (request.isEnded()) {
      return Future.succeededFuture(new Read(received, true));
    }
    Promise<Read> promise = Promise.promise();
    request.exceptionHandler(e -> {
      release(request);
      promise.tryFail(e);
    });
    request.handler(chunk -> {
      received.appendBuffer(chunk);
      if (received.length() > limit) {
        request.pause();
        release(request);
        promise.tryComplete(new Read(received, false));
      }
    });
    request.endHandler(v -> {
      release(request);
      promise.tryComplete(new Read(received, true));
    });
    request.resume();
    return promise.future();
  }

  private static void release(HttpServerRequest request) {
    request.handler(null);
    request.endHandler(null);
    request.exceptionHandler(null);
  }
}
