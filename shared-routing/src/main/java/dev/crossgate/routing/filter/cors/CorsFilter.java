package dev.crossgate.routing.filter.cors;

import dev.crossgate.policy.model.HttpRoute;
import dev.crossgate.routing.filter.HttpFilter;
import dev.crossgate.routing.filter.LocalReply;
import dev.crossgate.routing.filter.ProxyExchange;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Gateway API {@code CORS} filter. A preflight ({@code OPTIONS} with {@code Origin} and
 * {@code Access-Control-Request-Method}) is answered by the gateway with 204: with the
 * {@code Access-Control-Allow-*} headers when the origin and method are allowed, without them
 * otherwise (the browser then refuses the cross-origin call). Other requests are proxied; the
 * response gets {@code Access-Control-Allow-Origin}, {@code -Credentials} and
 * {@code -Expose-Headers} for allowed origins, and {@code Vary: Origin} always.
 */
public final class CorsFilter implements HttpFilter {

  private static final Set<String> SAFELISTED_METHODS = Set.of("GET", "HEAD", "POST");
  private static final int DEFAULT_MAX_AGE = 5;

  private final AllowedOrigins origins;
  private final List<String> methods;
  private final List<String> allowHeaders;
  private final List<String> exposeHeaders;
  private final int maxAge;
  private final boolean credentials;

  /** Compiles a validated model policy. */
  public CorsFilter(HttpRoute.Cors spec) {
    this.origins = new AllowedOrigins(spec.allowOrigins());
    this.methods = spec.allowMethods().stream().map(m -> m.toUpperCase(Locale.ROOT)).toList();
    this.allowHeaders = List.copyOf(spec.allowHeaders());
    this.exposeHeaders = List.copyOf(spec.exposeHeaders());
    this.maxAge = spec.maxAge() == null ? DEFAULT_MAX_AGE : spec.maxAge();
    this.credentials = Boolean.TRUE.equals(spec.allowCredentials());
  }

  @Override
  public Future<Void> onRequest(ProxyExchange exchange) {
    var request = exchange.request();
    String origin = request.getHeader("origin");
    String requestedMethod = request.getHeader("access-control-request-method");
    if (origin == null || request.method() != HttpMethod.OPTIONS || requestedMethod == null) {
      return CONTINUE;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
    if (origins.allows(origin) && methodAllowed(requestedMethod)) {
      headers.put("access-control-allow-origin", allowOriginValue(origin));
      if (credentials) {
        headers.put("access-control-allow-credentials", "true");
      }
      headers.put("access-control-allow-methods", methods.contains("*")
          ? (credentials ? requestedMethod : "*") : String.join(", ", methods));
      String requestedHeaders = request.getHeader("access-control-request-headers");
      String allowed = allowHeadersValue(requestedHeaders);
      if (allowed != null) {
        headers.put("access-control-allow-headers", allowed);
      }
      headers.put("access-control-max-age", String.valueOf(maxAge));
      exchange.logDetail("cors", "preflight_allowed");
    } else {
      exchange.logDetail("cors", "preflight_rejected");
    }
    exchange.reply(new LocalReply(204, headers, ""));
    return CONTINUE;
  }

  @Override
  public void onResponse(ProxyExchange exchange) {
    MultiMap response = exchange.responseHeaders();
    addVaryOrigin(response);
    String origin = exchange.request().getHeader("origin");
    if (origin == null || !origins.allows(origin)) {
      return;
    }
    response.set("access-control-allow-origin", allowOriginValue(origin));
    if (credentials) {
      response.set("access-control-allow-credentials", "true");
    }
    if (!exposeHeaders.isEmpty()) {
      String value = exposeHeaders.contains("*") && credentials
          // with credentials `*` is a literal name to browsers: list the actual headers
          ? response.names().stream().sorted().collect(Collectors.joining(", "))
          : String.join(", ", exposeHeaders);
      response.set("access-control-expose-headers", value);
    }
  }

  private boolean methodAllowed(String method) {
    return methods.contains("*") || methods.contains(method.toUpperCase(Locale.ROOT))
        || SAFELISTED_METHODS.contains(method);
  }

  /** The requested origin, or {@code *} when any origin is allowed without credentials. */
  private String allowOriginValue(String origin) {
    return origins.any() && !credentials ? "*" : origin;
  }

  private String allowHeadersValue(String requested) {
    if (allowHeaders.contains("*")) {
      if (!credentials) {
        return "*";
      }
      return requested == null || requested.isBlank() ? null : requested;
    }
    return allowHeaders.isEmpty() ? null : String.join(", ", allowHeaders);
  }

  private static void addVaryOrigin(MultiMap headers) {
    for (String vary : headers.getAll("vary")) {
      for (String part : vary.split(",")) {
        String name = part.trim();
        if (name.equalsIgnoreCase("origin") || name.equals("*")) {
          return;
        }
      }
    }
    headers.add("vary", "Origin");
  }
}
