package dev.crossgate.testkit;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;

/** Ready-made ways for a {@link TestBackend} to answer, including ways to misbehave. */
public final class BackendBehaviors {

  private BackendBehaviors() {}

  /**
   * Answers 200 with JSON describing the request: backend name, method, uri, path, headers and
   * the number of body bytes received.
   */
  public static Handler<HttpServerRequest> echo(String backendName) {
    return request -> {
      AtomicLong bytes = new AtomicLong();
      request.handler(chunk -> bytes.addAndGet(chunk.length()));
      request.endHandler(
          done -> {
            JsonObject headers = new JsonObject();
            request.headers().names().forEach(n -> headers.put(n.toLowerCase(),
                new JsonArray(request.headers().getAll(n))));
            JsonObject body = new JsonObject()
                .put("backend", backendName)
                .put("method", request.method().name())
                .put("uri", request.uri())
                .put("path", request.path())
                .put("version", request.version().name())
                .put("headers", headers)
                .put("bodyBytes", bytes.get());
            request.response()
                .putHeader("content-type", "application/json")
                .putHeader("x-backend", backendName)
                .end(body.encode());
          });
    };
  }

  /**
   * Accepts WebSocket upgrades and echoes every message with its type (text as text, binary as
   * binary); see {@link WebSocketEcho}.
   */
  public static WebSocketEcho webSocketEcho() {
    return new WebSocketEcho();
  }

  /** Answers with a fixed status and a short text body. */
  public static Handler<HttpServerRequest> status(int status) {
    return request -> request.response().setStatusCode(status).end("status " + status);
  }

  /** Reads the request and never answers. */
  public static Handler<HttpServerRequest> neverRespond() {
    return request -> request.handler(chunk -> {});
  }

  /** Resets the connection without answering. */
  public static Handler<HttpServerRequest> resetConnection() {
    return request -> request.connection().close();
  }

  /** Streams {@code size} bytes of body in 64 KiB chunks, honouring back-pressure. */
  public static Handler<HttpServerRequest> download(long size) {
    return request -> {
      var response = request.response().setChunked(true).putHeader("content-type",
          "application/octet-stream");
      Buffer chunk = Buffer.buffer(new byte[64 * 1024]);
      AtomicLong remaining = new AtomicLong(size);
      Runnable[] pump = new Runnable[1];
      pump[0] = () -> {
        while (remaining.get() > 0 && !response.writeQueueFull()) {
          long n = Math.min(remaining.get(), chunk.length());
          response.write(n == chunk.length() ? chunk : chunk.slice(0, (int) n));
          remaining.addAndGet(-n);
        }
        if (remaining.get() == 0) {
          response.end();
        } else {
          response.drainHandler(v -> pump[0].run());
        }
      };
      pump[0].run();
    };
  }

  /** Answers like {@code then}, but only after {@code delay}: a slow backend. */
  public static Handler<HttpServerRequest> delayed(java.time.Duration delay,
      Handler<HttpServerRequest> then) {
    return request -> {
      request.pause();
      io.vertx.core.Vertx.currentContext().owner().setTimer(Math.max(1, delay.toMillis()),
          id -> {
            then.handle(request);
            request.resume();
          });
    };
  }

  /** Answers the first {@code count} requests with {@code status}, then like {@code then}. */
  public static Handler<HttpServerRequest> failFirst(int count, int status,
      Handler<HttpServerRequest> then) {
    java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger();
    return request -> {
      if (seen.getAndIncrement() < count) {
        status(status).handle(request);
      } else {
        then.handle(request);
      }
    };
  }

  /** Answers requests for {@code path} like {@code onPath} and every other like {@code other}. */
  public static Handler<HttpServerRequest> byPath(String path, Handler<HttpServerRequest> onPath,
      Handler<HttpServerRequest> other) {
    return request -> (path.equals(request.path()) ? onPath : other).handle(request);
  }

  /** Sends the response head at once, then the body slowly: one byte per {@code every}. */
  public static Handler<HttpServerRequest> slowBody(int bytes, java.time.Duration every) {
    return request -> {
      var response = request.response().setChunked(true);
      response.writeHead();
      var vertx = io.vertx.core.Vertx.currentContext().owner();
      java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(bytes);
      vertx.setPeriodic(Math.max(1, every.toMillis()), id -> {
        if (response.closed()) {
          vertx.cancelTimer(id);
        } else if (left.getAndDecrement() > 0) {
          response.write("x");
        } else {
          vertx.cancelTimer(id);
          response.end();
        }
      });
    };
  }
}
