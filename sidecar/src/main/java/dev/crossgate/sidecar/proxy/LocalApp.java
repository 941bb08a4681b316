package dev.crossgate.sidecar.proxy;

import static java.util.Objects.requireNonNull;

import dev.crossgate.routing.config.ConfigHolder;
import dev.crossgate.routing.config.Listener;
import dev.crossgate.routing.config.RouteRule;
import dev.crossgate.routing.config.RoutingConfig;
import dev.crossgate.routing.filter.FilterChain;
import dev.crossgate.routing.lb.RoundRobinLoadBalancer;
import dev.crossgate.routing.lb.UpstreamEndpoint;
import dev.crossgate.routing.lb.WeightedChoice;
import dev.crossgate.routing.metrics.ProxyMetrics;
import dev.crossgate.routing.proxy.ProxyHandler;
import dev.crossgate.routing.route.RouteEntry;
import dev.crossgate.routing.route.RouteTable;
import dev.crossgate.routing.upstream.Backend;
import dev.crossgate.routing.upstream.BackendProtocol;
import dev.crossgate.routing.upstream.UpstreamClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The inbound side's way to the local app, through the shared proxy core: every admitted request
 * goes to the app in the protocol its {@code Service} declares (HTTP/1.1, or h2c for
 * {@code HTTP2} and {@code GRPC}), streamed both ways with trailers (gRPC status).
 */
final class LocalApp {

  private static final String LISTENER = "inbound";

  private final UpstreamClient client;
  private final UpstreamEndpoint app;
  private final ConfigHolder holder;
  private final ProxyHandler handler;
  private volatile BackendProtocol protocol = BackendProtocol.HTTP1;

  LocalApp(Vertx vertx, String appHost, int appPort, MeterRegistry registry) {
    this.client = new UpstreamClient(vertx, UpstreamClient.Settings.defaults());
    this.app = UpstreamEndpoint.of(requireNonNull(appHost, "appHost"), appPort);
    this.holder = new ConfigHolder(config(protocol), applied -> { });
    this.handler = new ProxyHandler(LISTENER, holder, client, new ProxyMetrics(registry), null);
  }

  /** Speaks {@code next} to the app from the next request on. */
  void protocol(BackendProtocol next) {
    BackendProtocol wanted = next == BackendProtocol.TCP ? BackendProtocol.HTTP1 : next;
    if (wanted != protocol) {
      protocol = wanted;
      holder.swap(config(wanted));
    }
  }

  /** Proxies one admitted request to the app. */
  void forward(HttpServerRequest request) {
    handler.handle(request);
  }

  private RoutingConfig config(BackendProtocol to) {
    Backend backend = new Backend("app", RoundRobinLoadBalancer.of(List.of(app)), to);
    RouteRule rule = new RouteRule("inbound", 0, FilterChain.of(List.of()),
        WeightedChoice.of(List.of(backend), List.of(1)));
    RouteTable<RouteRule> routes = RouteTable.build(List.of(
        new RouteEntry<>(List.of(), null, null, null, "inbound", 0, 0, rule)));
    return new RoutingConfig(to.name(), "sidecar inbound", Instant.now(), "",
        Map.of(LISTENER, new Listener(LISTENER, 0, routes)), Map.of("app", backend), "[]");
  }

  Future<Void> close() {
    return client.close();
  }
}
