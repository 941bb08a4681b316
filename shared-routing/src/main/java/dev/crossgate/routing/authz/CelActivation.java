package dev.crossgate.routing.authz;

import dev.crossgate.routing.authn.RequestIdentity;
import java.time.Instant;
import java.util.Map;

/** The CEL variables ({@code request}, {@code source}, {@code jwt}, {@code now}) of a request. */
final class CelActivation {

  private CelActivation() {}

  static Map<String, Object> of(AuthzRequest request, Instant now) {
    RequestIdentity identity = request.identity();
    return Map.of(
        "request", Map.of(
            "method", request.method(),
            "path", request.path(),
            "host", request.host(),
            "headers", request.headers(),
            "query", request.query()),
        "source", Map.of(
            "address", orEmpty(request.sourceAddress()),
            "principal", orEmpty(identity.sourcePrincipal()),
            "namespace", orEmpty(identity.sourceNamespace())),
        "jwt", Map.of("claims", identity.claims()),
        "now", now);
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }
}
