package dev.crossgate.routing.admin;

import dev.crossgate.routing.config.ConfigHolder;
import dev.crossgate.routing.config.RoutingConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Serves the admin endpoints: {@code /live}, {@code /ready}, {@code /metrics} and
 * {@code /config_dump}. Anything else is a 404 problem document.
 */
public final class AdminHandler implements Handler<HttpServerRequest> {

  private final ConfigHolder config;
  private final PrometheusMeterRegistry registry;
  private final BooleanSupplier ready;

  /**
   * An admin handler.
   *
   * @param config the running configuration
   * @param registry the registry to scrape
   * @param ready whether the data plane is serving (listeners bound, not draining)
   */
  public AdminHandler(ConfigHolder config, PrometheusMeterRegistry registry,
      BooleanSupplier ready) {
    this.config = Objects.requireNonNull(config, "config");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.ready = Objects.requireNonNull(ready, "ready");
  }

  @Override
  public void handle(HttpServerRequest request) {
    if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
      json(request, 405, problem(405, "Method not allowed", request.method()
          + " (expected: GET)"));
      return;
    }
    switch (request.path()) {
      case "/live" -> json(request, 200, new JsonObject().put("live", true));
      case "/ready" -> readiness(request);
      case "/metrics" -> request.response()
          .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
          .end(registry.scrape());
      case "/config_dump" -> configDump(request);
      default -> json(request, 404, problem(404, "Not found", request.path()
          + " (expected: /live, /ready, /metrics or /config_dump)"));
    }
  }

  private void readiness(HttpServerRequest request) {
    RoutingConfig current = config.current();
    boolean isReady = ready.getAsBoolean();
    json(request, isReady ? 200 : 503, new JsonObject()
        .put("ready", isReady)
        .put("config", summary(current)));
  }

  private void configDump(HttpServerRequest request) {
    RoutingConfig current = config.current();
    JsonObject dump = summary(current)
        .put("resources", new JsonArray(current.resourcesJson()));
    json(request, 200, dump);
  }

  private static JsonObject summary(RoutingConfig config) {
    JsonObject listeners = new JsonObject();
    config.listeners().forEach((name, l) -> listeners.put(name, new JsonObject()
        .put("port", l.port()).put("routes", l.routes().size())));
    return new JsonObject()
        .put("version", config.version())
        .put("source", config.source())
        .put("loadedAt", config.loadedAt().toString())
        .put("gateway", config.gatewayName())
        .put("listeners", listeners);
  }

  private static JsonObject problem(int status, String title, String detail) {
    return new JsonObject().put("title", title).put("status", status).put("detail", detail);
  }

  private static void json(HttpServerRequest request, int status, JsonObject body) {
    request.response().setStatusCode(status)
        .putHeader("content-type", status >= 400 && body.containsKey("title")
            ? "application/problem+json" : "application/json")
        .end(body.encodePrettily());
  }
}
