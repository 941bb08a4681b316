package dev.crossgate.cli;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The small apps {@code crossgate up} routes to: each answers with JSON naming itself and echoing
 * what it received, so a user sees which backend served a request and what the gateway changed.
 */
final class DemoBackends implements AutoCloseable {

  static final List<String> NAMES = List.of("catalog-1", "catalog-2", "orders-v1", "orders-v2");

  private final Vertx vertx = Vertx.vertx();
  private final Map<String, Integer> ports = new LinkedHashMap<>();

  /** Starts every demo app on a free loopback port. */
  static DemoBackends start() throws Exception {
    DemoBackends backends = new DemoBackends();
    for (String name : NAMES) {
      HttpServer server = backends.vertx.createHttpServer().requestHandler(request -> {
        JsonObject headers = new JsonObject();
        request.headers().forEach((k, v) -> headers.put(k.toLowerCase(), v));
        request.body().onSuccess(body -> request.response()
            .putHeader("content-type", "application/json")
            .end(new JsonObject()
                .put("app", name)
                .put("method", request.method().name())
                .put("uri", request.uri())
                .put("headers", headers)
                .put("bodyBytes", body.length())
                .encodePrettily() + "\n"));
      });
      Future<HttpServer> listening = server.listen(0, "127.0.0.1");
      backends.ports.put(name, listening.toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS).actualPort());
    }
    return backends;
  }

  /** The port of each app, by name. */
  Map<String, Integer> ports() {
    return ports;
  }

  @Override
  public void close() {
    vertx.close();
  }
}
