package dev.crossgate.bench;

import dev.crossgate.policy.model.HttpRoute;
import dev.crossgate.routing.filter.FilterChain;
import dev.crossgate.routing.filter.HttpFilter;
import dev.crossgate.routing.filter.ProxyExchange;
import dev.crossgate.routing.filter.forwarded.ForwardedHeadersFilter;
import dev.crossgate.routing.filter.headers.HeaderEdits;
import dev.crossgate.routing.filter.headers.RequestHeaderModifierFilter;
import dev.crossgate.routing.filter.headers.ResponseHeaderModifierFilter;
import dev.crossgate.routing.filter.rewrite.PathModifier;
import dev.crossgate.routing.filter.rewrite.UrlRewriteFilter;
import dev.crossgate.routing.filter.trace.TraceContextFilter;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The filter chain of a typical edge rule, request and response side: trace context, forwarded
 * headers, a request header modifier, a prefix rewrite and a response header modifier — the
 * per-request work Crossgate adds between routing and the upstream call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FilterChainBenchmark {

  private FilterChain chain;
  private HttpServerRequest request;
  private BenchRequest view;

  @Setup
  public void setUp() {
    HeaderEdits requestEdits = HeaderEdits.of(new HttpRoute.HeaderModifier(
        List.of(new HttpRoute.Header("x-team", "shop")),
        List.of(new HttpRoute.Header("x-added", "1")), List.of("x-internal")));
    HeaderEdits responseEdits = HeaderEdits.of(new HttpRoute.HeaderModifier(
        List.of(new HttpRoute.Header("x-served-by", "crossgate")), List.of(), List.of()));
    List<HttpFilter> filters = List.of(new TraceContextFilter(), new ForwardedHeadersFilter(),
        new RequestHeaderModifierFilter(requestEdits),
        new UrlRewriteFilter(null, new PathModifier(null, "/v2")),
        new ResponseHeaderModifierFilter(responseEdits));
    chain = FilterChain.of(filters);
    // A request stand-in: the filters above only read the exchange's own copies.
    request = (HttpServerRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {HttpServerRequest.class}, (proxy, method, args) -> null);
    view = BenchRequest.get("shop.example.com", "/api/items/42");
  }

  /** One request through every filter and its response back. */
  @Benchmark
  public MultiMap requestAndResponse() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("accept", "application/json")
        .add("user-agent", "bench")
        .add("x-internal", "secret");
    ProxyExchange exchange = new ProxyExchange(request, view, "0af7651916cd43dd8448eb211c80319c",
        headers);
    exchange.routed("shop/items", "/api");
    chain.onRequest(exchange);
    MultiMap responseHeaders = MultiMap.caseInsensitiveMultiMap()
        .add("content-type", "application/json");
    exchange.responseHead(200, responseHeaders);
    chain.onResponse(exchange);
    return responseHeaders;
  }
}
