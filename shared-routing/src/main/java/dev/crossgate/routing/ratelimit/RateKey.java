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

  /** A verified JWT claim of the caller (see {@link ProxyExchange#caller()}). */
  static RateKey claim(String name) {
    return exchange -> exchange.caller().claim(name);
  }

  /** The caller's authenticated principal (see {@link ProxyExchange#caller()}). */
  static RateKey principal() {
    return exchange -> exchange.caller().principal();
  }
}
