package dev.crossgate.routing.filter.security;

import dev.crossgate.policy.model.HttpRoute;
import dev.crossgate.routing.filter.HttpFilter;
import dev.crossgate.routing.filter.ProxyExchange;
import io.vertx.core.MultiMap;
import java.util.Map;

/**
 * Adds {@code X-Content-Type-Options: nosniff}, {@code X-Frame-Options} and
 * {@code Referrer-Policy} to proxied responses, each only when the backend did not set it: the
 * backend's own value always wins.
 */
public final class SecurityHeadersFilter implements HttpFilter {

  private final Map<String, String> defaults;

  /** Compiles a validated model filter; omitted values take DENY and no-referrer. */
  public SecurityHeadersFilter(HttpRoute.SecurityHeaders spec) {
    this.defaults = Map.of(
        "x-content-type-options", "nosniff",
        "x-frame-options", spec.frameOptions() == null ? "DENY" : spec.frameOptions(),
        "referrer-policy", spec.referrerPolicy() == null ? "no-referrer" : spec.referrerPolicy());
  }

  @Override
  public void onResponse(ProxyExchange exchange) {
    MultiMap headers = exchange.responseHeaders();
    defaults.forEach((name, value) -> {
      if (!headers.contains(name)) {
        headers.set(name, value);
      }
    });
  }
}
