package dev.crossgate.routing.filter.redirect;

import dev.crossgate.policy.model.HttpRoute;
import dev.crossgate.routing.filter.HttpFilter;
import dev.crossgate.routing.filter.LocalReply;
import dev.crossgate.routing.filter.ProxyExchange;
import dev.crossgate.routing.filter.rewrite.PathModifier;
import io.vertx.core.Future;
import java.util.Map;

/**
 * Answers with a redirect built from the request and the configured parts (Gateway API
 * {@code RequestRedirect}); nothing is sent upstream.
 */
public final class RequestRedirectFilter implements HttpFilter {

  private final String scheme;
  private final String hostname;
  private final PathModifier path;
  private final Integer port;
  private final int statusCode;

  /** Compiles the model's redirect. */
  public RequestRedirectFilter(HttpRoute.RequestRedirect spec) {
    this.scheme = spec.scheme();
    this.hostname = spec.hostname();
    this.path = spec.path() == null ? null : PathModifier.of(spec.path());
    this.port = spec.port();
    this.statusCode = spec.statusCode() == null ? 301 : spec.statusCode();
  }

  @Override
  public Future<Void> onRequest(ProxyExchange exchange) {
    exchange.reply(new LocalReply(statusCode, Map.of("location", location(exchange)), ""));
    return CONTINUE;
  }

  private String location(ProxyExchange exchange) {
    var request = exchange.request();
    String requestScheme = request.scheme() == null ? "http" : request.scheme();
    String targetScheme = scheme == null ? requestScheme : scheme;
    var authority = request.authority();
    String host = hostname != null ? hostname
        : authority == null ? exchange.view().host() : authority.host();
    int requestPort = authority == null ? -1 : authority.port();
    int targetPort;
    if (port != null) {
      targetPort = port;
    } else if (scheme != null && !scheme.equals(requestScheme)) {
      targetPort = -1; // a scheme change drops the port: the new scheme's default applies
    } else {
      targetPort = requestPort;
    }
    boolean defaultPort = targetPort == -1
        || ("http".equals(targetScheme) && targetPort == 80)
        || ("https".equals(targetScheme) && targetPort == 443);
    String targetPath = path == null ? exchange.view().path()
        : path.apply(exchange.view().path(), exchange.matchedPrefix());
    String query = request.query();
    return targetScheme + "://" + host + (defaultPort ? "" : ":" + targetPort) + targetPath
        + (query == null ? "" : "?" + query);
  }
}
