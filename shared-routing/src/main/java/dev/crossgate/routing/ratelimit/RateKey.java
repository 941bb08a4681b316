package dev.crossgate.routing.ratelimit;

import dev.crossgate.routing.filter.ProxyExchange;

/**
 * What a limit counts a request by. Returns null when the request has no such key (no such
 * header, an anonymous caller for a claim or principal key): that limit does not apply to it.
 */
@FunctionalInterface
public interface RateKey {

  /** The key of this request, or null when the limit does not apply. */
  String of(ProxyExchange exchange);

  /** The route name: the whole route shares one bucket. */
  static RateKey route() {
    return ProxyExchange::routeName;
  }

  /** The value of a request header (all values joined by a comma when repeated). */
  static RateKey header(String name) {
    return exchange -> {
      java.util.List<String> values = exchange.request().headers().getAll(name);
      return values.isEmpty() ? null : values.size() == 1 ? values.get(0)
          : String.join(",", values);
    };
  }

  /**
   * A verified JWT claim of the caller (see {@link ProxyExchange#identity()}): a string as is, a
   * number or boolean in its JSON form; null when absent or not a scalar.
   */
  static RateKey claim(String name) {
    return exchange -> {
      Object value = exchange.identity().claim(name);
      return value instanceof String || value instanceof Number || value instanceof Boolean
          ? value.toString() : null;
    };
  }

  /**
   * The caller's authenticated principal: the verified JWT's {@code iss/sub}, else the mesh
   * peer's SPIFFE id (see {@link ProxyExchange#identity()}).
   */
  static RateKey principal() {
    return exchange -> {
      var identity = exchange.identity();
      return identity.requestPrincipal() != null ? identity.requestPrincipal()
          : identity.sourcePrincipal();
    };
  }
}
