package dev.crossgate.routing.authz;

import dev.crossgate.routing.authn.RequestIdentity;
import dev.crossgate.routing.filter.ProxyExchange;
import io.vertx.core.MultiMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** The authorization view of a gateway {@link ProxyExchange}; maps are built only if asked. */
final class ExchangeAuthzRequest implements AuthzRequest {

  private final ProxyExchange exchange;
  private Map<String, String> headers;
  private Map<String, String> query;

  ExchangeAuthzRequest(ProxyExchange exchange) {
    this.exchange = exchange;
  }

  @Override
  public String method() {
    return exchange.view().method();
  }

  @Override
  public String path() {
    return exchange.view().path();
  }

  @Override
  public String host() {
    return exchange.view().host();
  }

  @Override
  public int port() {
    var local = exchange.request().localAddress();
    return local == null ? 0 : local.port();
  }

  @Override
  public String header(String name) {
    return exchange.request().getHeader(name);
  }

  @Override
  public Map<String, String> headers() {
    if (headers == null) {
      headers = firstValues(exchange.request().headers(), true);
    }
    return headers;
  }

  @Override
  public Map<String, String> query() {
    if (query == null) {
      try {
        query = firstValues(exchange.request().params(), false);
      } catch (RuntimeException e) {
        query = Map.of(); // an undecodable query: conditions on it see no parameters
      }
    }
    return query;
  }

  @Override
  public String sourceAddress() {
    return exchange.view().clientAddress();
  }

  @Override
  public RequestIdentity identity() {
    return exchange.identity();
  }

  private static Map<String, String> firstValues(MultiMap values, boolean lowerCase) {
    Map<String, String> map = new HashMap<>();
    for (Map.Entry<String, String> entry : values) {
      String name = lowerCase ? entry.getKey().toLowerCase(Locale.ROOT) : entry.getKey();
      map.putIfAbsent(name, entry.getValue());
    }
    return map;
  }
}
