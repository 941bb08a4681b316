package dev.crossgate.routing.filter.headers;

import dev.crossgate.routing.filter.HttpFilter;
import dev.crossgate.routing.filter.ProxyExchange;
import io.vertx.core.Future;
import java.util.Objects;

/** Changes the headers sent upstream. */
public final class RequestHeaderModifierFilter implements HttpFilter {

  private final HeaderEdits edits;

  /** A filter applying {@code edits} to upstream request headers. */
  public RequestHeaderModifierFilter(HeaderEdits edits) {
    this.edits = Objects.requireNonNull(edits, "edits");
  }

  @Override
  public Future<Void> onRequest(ProxyExchange exchange) {
    edits.applyTo(exchange.upstreamHeaders());
    return CONTINUE;
  }
}
