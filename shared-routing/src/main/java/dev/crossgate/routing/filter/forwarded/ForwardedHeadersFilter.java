package dev.crossgate.routing.filter.forwarded;

import dev.crossgate.routing.filter.HttpFilter;
import dev.crossgate.routing.filter.ProxyExchange;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;

/**
 * Tells the backend who the client was: appends the client address to {@code X-Forwarded-For}
 * and sets {@code X-Forwarded-Proto} and {@code X-Forwarded-Host} to what this proxy received.
 */
public final class ForwardedHeadersFilter implements HttpFilter {

  @Override
  public Future<Void> onRequest(ProxyExchange exchange) {
    MultiMap headers = exchange.upstreamHeaders();
    String client = exchange.view().clientAddress();
    if (client != null) {
      String previous = headers.get("x-forwarded-for");
      headers.set("x-forwarded-for", previous == null ? client : previous + ", " + client);
    }
    String scheme = exchange.request().scheme();
    headers.set("x-forwarded-proto", scheme == null ? "http" : scheme);
    var authority = exchange.request().authority();
    if (authority != null) {
      headers.set("x-forwarded-host", authority.toString());
    }
    return CONTINUE;
  }
}
