package dev.crossgate.testkit;

import io.vertx.core.http.HttpServerRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link TestBackend} saw of one request.
 *
 * @param method the method
 * @param uri the request URI (path and query)
 * @param headers every header, names lower-cased, values in order
 */
public record RecordedRequest(String method, String uri, Map<String, List<String>> headers) {

  static RecordedRequest of(HttpServerRequest request) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    request.headers().names().forEach(n -> headers.put(n.toLowerCase(), request.headers().getAll(n)));
    return new RecordedRequest(request.method().name(), request.uri(), Map.copyOf(headers));
  }

  /** The first value of a header, or null. */
  public String header(String name) {
    List<String> values = headers.get(name.toLowerCase());
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
