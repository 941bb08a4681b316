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
}
