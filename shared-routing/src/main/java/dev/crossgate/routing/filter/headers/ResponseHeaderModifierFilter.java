package dev.crossgate.routing.filter.headers;

import dev.crossgate.routing.filter.HttpFilter;
import dev.crossgate.routing.filter.ProxyExchange;
import java.util.Objects;

/** Changes the headers of the response sent to the client. */
public final class ResponseHeaderModifierFilter implements HttpFilter {

  private final HeaderEdits edits;

  /** A filter applying {@code edits} to response headers. */
  public ResponseHeaderModifierFilter(HeaderEdits edits) {
    this.edits = Objects.requireNonNull(edits, "edits");
  }

  @Override
  public void onResponse(ProxyExchange exchange) {
    edits.applyTo(exchange.responseHeaders());
  }
}
