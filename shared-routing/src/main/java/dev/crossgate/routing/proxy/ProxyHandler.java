package dev.crossgate.routing.proxy;

import dev.crossgate.routing.accesslog.AccessLogWriter;
import dev.crossgate.routing.config.ConfigHolder;
import dev.crossgate.routing.config.ListenerSettings;
import dev.crossgate.routing.error.ProxyException;
import dev.crossgate.routing.hygiene.BoundedRequest;
import dev.crossgate.routing.hygiene.RequestHygiene;
import dev.crossgate.routing.metrics.ProxyMetrics;
import dev.crossgate.routing.upstream.UpstreamClient;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import java.util.Objects;

/**
 * The request handler of one listener: each request becomes a {@link ProxyCall} against the
 * configuration that is current when it arrives.
 */
public final class ProxyHandler implements Handler<HttpServerRequest> {

  private final String listenerName;
  private final ConfigHolder config;
  private final UpstreamClient client;
  private final ProxyMetrics metrics;
  private final AccessLogWriter accessLog;
  private final ListenerSettings settings;
  private final RequestHygiene hygiene;
  private final InvalidRequestHandler refusals;
  /** Counts a body refused while it is read; one for all requests (no lambda per request). */
  private final java.util.function.Consumer<ProxyException> bodyRefused;

  /**
   * A handler for one listener.
   *
   * @param listenerName the listener whose routes apply
   * @param config the running configuration
   * @param client the upstream client
   * @param metrics where requests are counted
   * @param accessLog where requests are logged, or null for none
   */
  public ProxyHandler(String listenerName, ConfigHolder config, UpstreamClient client,
      ProxyMetrics metrics, AccessLogWriter accessLog) {
    this(listenerName, config, client, metrics, accessLog, ListenerSettings.defaults());
  }

  /**
   * A handler for one listener with these listener settings (WebSocket idle timeout).
   *
   * @param settings the listener settings
   */
  public ProxyHandler(String listenerName, ConfigHolder config, UpstreamClient client,
      ProxyMetrics metrics, AccessLogWriter accessLog, ListenerSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.listenerName = Objects.requireNonNull(listenerName, "listenerName");
    this.config = Objects.requireNonNull(config, "config");
    this.client = Objects.requireNonNull(client, "client");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.accessLog = accessLog;
    this.hygiene = new RequestHygiene(settings.requestLimits());
    this.refusals = new InvalidRequestHandler(metrics, accessLog);
    this.bodyRefused = error -> metrics.localError(error.reason().code());
  }

  @Override
  public void handle(HttpServerRequest request) {
    ProxyException refused = hygiene.check(request);
    if (refused != null) {
      refusals.refuse(request, refused);
      return;
    }
    HttpServerRequest bounded = BoundedRequest.of(request, settings.requestLimits(),
        bodyRefused);
    new ProxyCall(bounded, config.current(), listenerName, client, metrics, accessLog,
        settings).start();
  }
}
