package dev.crossgate.routing.filter;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;

/**
 * An immutable ordered list of filters. Requests walk it forward, stopping early when a filter
 * replies itself or fails; responses walk back over the filters that ran.
 */
public final class FilterChain {

  private static final FilterChain EMPTY = new FilterChain(List.of());

  private final HttpFilter[] filters;

  private FilterChain(List<HttpFilter> filters) {
    this.filters = filters.toArray(HttpFilter[]::new);
  }

  /** A chain of these filters, in order. */
  public static FilterChain of(List<HttpFilter> filters) {
    return filters.isEmpty() ? EMPTY : new FilterChain(filters);
  }

  /** The number of filters. */
  public int size() {
    return filters.length;
  }

  /** The filters in order. */
  public List<HttpFilter> filters() {
    return List.of(filters);
  }

  /**
   * Runs the request side. Completes when every filter ran, or when one replied locally (see
   * {@link ProxyExchange#replied()}); fails with the first filter failure.
   */
  public Future<Void> onRequest(ProxyExchange exchange) {
    return runFrom(0, exchange);
  }

  private Future<Void> runFrom(int start, ProxyExchange exchange) {
    for (int i = start; i < filters.length; i++) {
      Future<Void> step;
      try {
        step = filters[i].onRequest(exchange);
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
      exchange.filtersRun(i + 1);
      if (!step.isComplete()) {
        int next = i + 1;
        Promise<Void> promise = Promise.promise();
        step.onComplete(ar -> {
          if (ar.failed()) {
            promise.fail(ar.cause());
          } else if (exchange.replied()) {
            promise.complete();
          } else {
            runFrom(next, exchange).onComplete(promise);
          }
        });
        return promise.future();
      }
      if (step.failed()) {
        return step;
      }
      if (exchange.replied()) {
        return CONTINUE_DONE;
      }
    }
    return CONTINUE_DONE;
  }

  private static final Future<Void> CONTINUE_DONE = HttpFilter.CONTINUE;

  /** Runs the response side backwards over the filters that ran on the request. */
  public void onResponse(ProxyExchange exchange) {
    for (int i = Math.min(exchange.filtersRun(), filters.length) - 1; i >= 0; i--) {
      filters[i].onResponse(exchange);
    }
  }
}
