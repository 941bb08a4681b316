package dev.crossgate.routing.filter.headers;

import dev.crossgate.policy.model.HttpRoute;
import io.vertx.core.MultiMap;
import java.util.List;

/**
 * Compiled header changes: set (replace), add (append), remove.
 *
 * @param set headers whose values are replaced
 * @param add headers whose values are appended
 * @param remove header names removed
 */
public record HeaderEdits(List<HttpRoute.Header> set, List<HttpRoute.Header> add,
    List<String> remove) {

  /** Compiles the Gateway API modifier. */
  public static HeaderEdits of(HttpRoute.HeaderModifier modifier) {
    return new HeaderEdits(modifier.set(), modifier.add(), modifier.remove());
  }

  /** Applies the changes to {@code headers} in place. */
  public void applyTo(MultiMap headers) {
    for (HttpRoute.Header header : set) {
      headers.set(header.name(), header.value());
    }
    for (HttpRoute.Header header : add) {
      headers.add(header.name(), header.value());
    }
    for (String name : remove) {
      headers.remove(name);
    }
  }
}
