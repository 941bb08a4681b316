package dev.crossgate.routing.authz;

import dev.crossgate.routing.authn.RequestIdentity;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;

/**
 * The CEL variables of one request ({@code request}, {@code source}, {@code jwt}, {@code now}),
 * each built the first time an expression reads it and then kept for the other conditions of
 * the same request. {@code request.headers} and {@code request.query} are built only when an
 * expression reads them ({@link OnDemandMap}): most conditions look at the method, the path or a
 * claim, and copying every header for them was the larger part of an evaluation.
 */
final class CelVariables implements Function<String, Object> {

  private final AuthzRequest request;
  private final Instant now;
  private Map<String, Object> requestValue;
  private Map<String, Object> sourceValue;
  private Map<String, Object> jwtValue;

  CelVariables(AuthzRequest request, Instant now) {
    this.request = request;
    this.now = now;
  }

  @Override
  public Object apply(String name) {
    return switch (name) {
      case "request" -> requestValue != null ? requestValue : (requestValue = Map.of(
          "method", request.method(),
          "path", request.path(),
          "host", request.host(),
          "headers", new OnDemandMap<>(request::headers),
          "query", new OnDemandMap<>(request::query)));
      case "source" -> sourceValue != null ? sourceValue : (sourceValue = source());
      case "jwt" -> jwtValue != null ? jwtValue
          : (jwtValue = Map.of("claims", request.identity().claims()));
      case "now" -> now;
      default -> null;
    };
  }

  private Map<String, Object> source() {
    RequestIdentity identity = request.identity();
    return Map.of(
        "address", orEmpty(request.sourceAddress()),
        "principal", orEmpty(identity.sourcePrincipal()),
        "namespace", orEmpty(identity.sourceNamespace()));
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }
}
