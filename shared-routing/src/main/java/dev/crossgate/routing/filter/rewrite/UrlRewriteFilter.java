package dev.crossgate.routing.filter.rewrite;

import dev.crossgate.routing.filter.HttpFilter;
import dev.crossgate.routing.filter.ProxyExchange;
import io.vertx.core.Future;

/** Rewrites the Host and/or path sent upstream (Gateway API {@code URLRewrite}). */
public final class UrlRewriteFilter implements HttpFilter {

  private final String hostname;
  private final PathModifier path;

  /**
   * A rewrite filter.
   *
   * @param hostname the new Host, or null to keep it
   * @param path the path change, or null to keep it
   */
  public UrlRewriteFilter(String hostname, PathModifier path) {
    this.hostname = hostname;
    this.path = path;
  }

  @Override
  public Future<Void> onRequest(ProxyExchange exchange) {
    if (hostname != null) {
      exchange.upstreamAuthority(hostname);
    }
    if (path != null) {
      exchange.upstreamPath(path.apply(exchange.upstreamPath(), exchange.matchedPrefix()));
    }
    return CONTINUE;
  }
}
