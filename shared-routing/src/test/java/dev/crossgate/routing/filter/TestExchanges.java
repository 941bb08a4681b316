package dev.crossgate.routing.filter;

import dev.crossgate.routing.route.TestRequest;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import java.lang.reflect.Proxy;

/** Exchanges for filter tests, without a server. */
public final class TestExchanges {

  private TestExchanges() {}

  /**
   * An exchange for {@code GET /path} on {@code example.com}. Its client request answers null to
   * every call: the filters under test only use the exchange, never the raw request.
   */
  public static ProxyExchange exchange(String path) {
    HttpServerRequest request = (HttpServerRequest) Proxy.newProxyInstance(
        HttpServerRequest.class.getClassLoader(), new Class<?>[] {HttpServerRequest.class},
        (proxy, method, args) -> null);
    return new ProxyExchange(request, TestRequest.of("example.com", path), "req-1",
        MultiMap.caseInsensitiveMultiMap());
  }
}
