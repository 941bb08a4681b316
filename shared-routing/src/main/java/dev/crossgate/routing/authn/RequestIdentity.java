package dev.crossgate.routing.authn;

import java.util.Map;
import java.util.Objects;

/**
 * Who is calling, as far as Crossgate has verified it: the request principal from a verified JWT
 * ({@code iss/sub}) with its claims, and the source principal and namespace from the mesh
 * (mTLS, set by the sidecar). Immutable; an exchange starts {@link #ANONYMOUS} and is given a new
 * value with {@link #withJwt} by JWT authentication or {@link #withSource} by the sidecar.
 *
 * @param requestPrincipal {@code iss/sub} of the verified JWT, or null when no token was verified
 * @param claims the verified claims (JSON values: strings, numbers, booleans, lists, maps); empty
 *     when no token was verified
 * @param sourcePrincipal the mesh identity of the peer (a SPIFFE id), or null
 * @param sourceNamespace the namespace of the mesh peer, or null
 */
public record RequestIdentity(String requestPrincipal, Map<String, Object> claims,
    String sourcePrincipal, String sourceNamespace) {

  /** Nobody verified yet. */
  public static final RequestIdentity ANONYMOUS = new RequestIdentity(null, Map.of(), null, null);

  public RequestIdentity {
    claims = claims == null ? Map.of() : claims;
  }

  /** This identity with a verified JWT principal ({@code iss/sub}) and its claims. */
  public RequestIdentity withJwt(String principal, Map<String, Object> verifiedClaims) {
    return new RequestIdentity(Objects.requireNonNull(principal, "principal"),
        frozen(verifiedClaims), sourcePrincipal, sourceNamespace);
  }

  /**
   * An immutable copy of verified claims without the ones whose value is JSON {@code null}: a
   * null claim means the same as an absent one to authorization and claim headers.
   */
  static Map<String, Object> frozen(Map<String, Object> claims) {
    // Not containsValue(null): immutable maps throw on a null argument.
    for (Object value : claims.values()) {
      if (value == null) {
        Map<String, Object> present = new java.util.HashMap<>(claims);
        present.values().removeIf(Objects::isNull);
        return Map.copyOf(present);
      }
    }
    return Map.copyOf(claims);
  }

  /** This identity with the mesh peer's principal and namespace (from its mTLS certificate). */
  public RequestIdentity withSource(String principal, String namespace) {
    return new RequestIdentity(requestPrincipal, claims, principal, namespace);
  }

  /** Whether a JWT was verified for this request. */
  public boolean authenticated() {
    return requestPrincipal != null;
  }

  /** A claim's value, or null. */
  public Object claim(String name) {
    return claims.get(name);
  }
}
