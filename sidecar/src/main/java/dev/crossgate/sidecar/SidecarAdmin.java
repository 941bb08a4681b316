package dev.crossgate.sidecar;

import static java.util.Objects.requireNonNull;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The sidecar's admin port: {@code GET /ready} (200 only with a certificate and a snapshot; the
 * body says why not, or that it serves its last-known-good snapshot or kept certificate),
 * {@code GET /live}, {@code GET /metrics} (Prometheus), {@code GET /config_dump} and
 * {@code POST /shutdown}.
 */
final class SidecarAdmin implements Handler<HttpServerRequest> {

  private final BooleanSupplier ready;
  private final Supplier<String> readyDetail;
  private final Supplier<JsonObject> configDump;
  private final PrometheusMeterRegistry registry;
  private final Runnable shutdown;

  SidecarAdmin(BooleanSupplier ready, Supplier<String> readyDetail,
      Supplier<JsonObject> configDump, PrometheusMeterRegistry registry, Runnable shutdown) {
    this.ready = requireNonNull(ready, "ready");
    this.readyDetail = requireNonNull(readyDetail, "readyDetail");
    this.configDump = requireNonNull(configDump, "configDump");
    this.registry = requireNonNull(registry, "registry");
    this.shutdown = requireNonNull(shutdown, "shutdown");
  }

  @Override
  public void handle(HttpServerRequest request) {
    String path = request.path();
    var response = request.response();
    if (path.equals("/shutdown")) {
      if (request.method() != HttpMethod.POST) {
        response.setStatusCode(405).putHeader("allow", "POST").end();
        return;
      }
      if (!fromLoopback(request)) {
        response.setStatusCode(403).end("/shutdown answers only callers on this host\n");
        return;
      }
      response.setStatusCode(202).end("shutting down\n").onComplete(v -> shutdown.run());
      return;
    }
    if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
      response.setStatusCode(405).putHeader("allow", "GET").end();
      return;
    }
    switch (path) {
      case "/live" -> response.end("live\n");
      case "/ready" -> {
        boolean isReady = ready.getAsBoolean();
        response.setStatusCode(isReady ? 200 : 503).end(readyDetail.get() + "\n");
      }
      case "/metrics" -> response.putHeader("content-type", "text/plain; version=0.0.4")
          .end(registry.scrape());
      case "/config_dump" -> response.putHeader("content-type", "application/json")
          .end(configDump.get().encodePrettily());
      default -> response.setStatusCode(404).end();
    }
  }

  private static boolean fromLoopback(HttpServerRequest request) {
    var remote = request.remoteAddress();
    if (remote == null || remote.hostAddress() == null) {
      return false;
    }
    try {
      return java.net.InetAddress.getByName(remote.hostAddress()).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }
}
