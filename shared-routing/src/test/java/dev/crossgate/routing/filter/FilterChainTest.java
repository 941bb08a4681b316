package dev.crossgate.routing.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.routing.error.ErrorReason;
import dev.crossgate.routing.error.ProxyException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class FilterChainTest {

  private final List<String> calls = new ArrayList<>();
  private final ProxyExchange exchange = TestExchanges.exchange("/p");

  /** A filter that records its calls and does {@code onRequest} on the request side. */
  private HttpFilter filter(String name, Function<ProxyExchange, Future<Void>> onRequest) {
    return new HttpFilter() {
      @Override
      public Future<Void> onRequest(ProxyExchange exchange) {
        calls.add(name + ".request");
        return onRequest.apply(exchange);
      }

      @Override
      public void onResponse(ProxyExchange exchange) {
        calls.add(name + ".response");
      }
    };
  }

  private HttpFilter passing(String name) {
    return filter(name, e -> HttpFilter.CONTINUE);
  }

  private void respond(FilterChain chain) {
    exchange.responseHead(200, MultiMap.caseInsensitiveMultiMap());
    chain.onResponse(exchange);
  }

  @Test
  void emptyChainCompletesAtOnce() {
    FilterChain chain = FilterChain.of(List.of());

    assertThat(chain.size()).isZero();
    assertThat(chain.onRequest(exchange).succeeded()).isTrue();
    respond(chain);
    assertThat(exchange.replied()).isFalse();
  }

  @Test
  void requestRunsForwardAndResponseRunsBackward() {
    FilterChain chain = FilterChain.of(List.of(passing("a"), passing("b"), passing("c")));

    Future<Void> result = chain.onRequest(exchange);
    respond(chain);

    assertThat(result.succeeded()).isTrue();
    assertThat(calls).containsExactly("a.request", "b.request", "c.request",
        "c.response", "b.response", "a.response");
    assertThat(chain.filters()).hasSize(3);
  }

  @Test
  void localReplyStopsTheChainAndOnlyFiltersThatRanSeeTheResponse() {
    LocalReply redirect = new LocalReply(301, Map.of("location", "/elsewhere"), null);
    FilterChain chain = FilterChain.of(List.of(passing("a"), filter("b", e -> {
      e.reply(redirect);
      return HttpFilter.CONTINUE;
    }), passing("c")));

    Future<Void> result = chain.onRequest(exchange);
    respond(chain);

    assertThat(result.succeeded()).isTrue();
    assertThat(exchange.localReply()).isSameAs(redirect);
    assertThat(calls).containsExactly("a.request", "b.request", "b.response", "a.response");
  }

  @Test
  void failedFutureStopsTheChainAndIsReturned() {
    ProxyException denied = new ProxyException(ErrorReason.BAD_REQUEST, "no");
    FilterChain chain = FilterChain.of(List.of(passing("a"),
        filter("b", e -> Future.failedFuture(denied)), passing("c")));

    Future<Void> result = chain.onRequest(exchange);

    assertThat(result.failed()).isTrue();
    assertThat(result.cause()).isSameAs(denied);
    assertThat(calls).containsExactly("a.request", "b.request");
  }

  @Test
  void throwingFilterBecomesAFailedFuture() {
    IllegalStateException bug = new IllegalStateException("bug");
    FilterChain chain = FilterChain.of(List.of(passing("a"), filter("b", e -> {
      throw bug;
    }), passing("c")));

    Future<Void> result = chain.onRequest(exchange);

    assertThat(result.failed()).isTrue();
    assertThat(result.cause()).isSameAs(bug);
    assertThat(calls).containsExactly("a.request", "b.request");
  }

  @Test
  void asynchronousFilterContinuesTheChainInOrderWhenItCompletes() {
    Promise<Void> later = Promise.promise();
    FilterChain chain = FilterChain.of(List.of(passing("a"),
        filter("b", e -> later.future()), passing("c")));

    Future<Void> result = chain.onRequest(exchange);

    assertThat(result.isComplete()).isFalse();
    assertThat(calls).containsExactly("a.request", "b.request");

    later.complete();

    assertThat(result.succeeded()).isTrue();
    respond(chain);
    assertThat(calls).containsExactly("a.request", "b.request", "c.request",
        "c.response", "b.response", "a.response");
  }

  @Test
  void asynchronousFailureFailsTheChain() {
    Promise<Void> later = Promise.promise();
    FilterChain chain = FilterChain.of(List.of(filter("a", e -> later.future()), passing("b")));

    Future<Void> result = chain.onRequest(exchange);
    later.fail(new ProxyException(ErrorReason.UPSTREAM_TIMEOUT, "slow"));

    assertThat(result.failed()).isTrue();
    assertThat(result.cause()).isInstanceOf(ProxyException.class).hasMessage("slow");
    assertThat(calls).containsExactly("a.request");
  }

  @Test
  void asynchronousReplyStopsTheChain() {
    Promise<Void> later = Promise.promise();
    FilterChain chain = FilterChain.of(List.of(filter("a", e -> later.future()), passing("b")));

    Future<Void> result = chain.onRequest(exchange);
    exchange.reply(new LocalReply(403, Map.of(), "denied"));
    later.complete();

    assertThat(result.succeeded()).isTrue();
    assertThat(calls).containsExactly("a.request");
  }

  @Test
  void severalAsynchronousFiltersRunOneAfterAnother() {
    Promise<Void> first = Promise.promise();
    Promise<Void> second = Promise.promise();
    FilterChain chain = FilterChain.of(List.of(filter("a", e -> first.future()),
        filter("b", e -> second.future()), passing("c")));

    Future<Void> result = chain.onRequest(exchange);
    first.complete();
    assertThat(calls).containsExactly("a.request", "b.request");
    second.complete();

    assertThat(result.succeeded()).isTrue();
    assertThat(calls).containsExactly("a.request", "b.request", "c.request");
  }
}
