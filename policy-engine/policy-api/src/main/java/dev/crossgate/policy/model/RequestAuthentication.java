package dev.crossgate.policy.model;

import java.util.List;

/**
 * A {@code RequestAuthentication}: how JWTs are found and verified (Istio shape). A request
 * without a token stays anonymous; authorization decides.
 *
 * @param apiVersion the API version
 * @param metadata the metadata
 * @param spec the targets and JWT rules
 */
public record RequestAuthentication(
    @Doc("The API version.") String apiVersion,
    @Doc("The metadata.") ObjectMeta metadata,
    @Doc("The targets and JWT rules.") Spec spec)
    implements Resource {

  /** The kind name as written in YAML. */
  public static final String KIND = "RequestAuthentication";

  @Override
  public String kind() {
    return KIND;
  }

  /**
   * The specification.
   *
   * @param targetRefs what the rules apply to: Gateway, HTTPRoute, GRPCRoute or Service
   * @param jwtRules one rule per accepted issuer
   */
  public record Spec(
      @Doc("What the rules apply to: Gateway, HTTPRoute, GRPCRoute or Service.")
          List<TargetRef> targetRefs,
      @Doc("One rule per accepted issuer.") List<JwtRule> jwtRules) {
    public Spec {
      targetRefs = targetRefs == null ? List.of() : List.copyOf(targetRefs);
      jwtRules = jwtRules == null ? List.of() : List.copyOf(jwtRules);
    }
  }

  /**
   * One accepted issuer and how its tokens are found and checked.
   *
   * @param issuer the required iss claim
   * @param audiences accepted aud values; any audience when empty
   * @param jwksUri where the issuer publishes its keys: https, or http only for 127.0.0.1/localhost. Exactly one of jwksUri and jwks
   * @param jwks the keys inline, a JSON Web Key Set with a keys array. Exactly one of jwksUri and jwks
   * @param fromHeaders headers the token is read from; default Authorization with prefix "Bearer "
   * @param fromParams query parameters the token is read from
   * @param fromCookies cookies the token is read from
   * @param outputClaimToHeaders claims copied into request headers after verification
   * @param forwardOriginalToken whether the token is passed on to the backend; default false
   * @param algorithms the signature algorithms accepted; none and HMAC are never accepted; default RS256, ES256, PS256, EdDSA
   * @param clockSkew tolerance for exp, nbf and iat, at most 5m; default 60s
   */
  public record JwtRule(
      @Doc("The required iss claim.") String issuer,
      @Doc("Accepted aud values; any audience when empty.") List<String> audiences,
      @Doc("Where the issuer publishes its keys: https, or http only for 127.0.0.1/localhost. Exactly one of jwksUri and jwks.")
          String jwksUri,
      @Doc("The keys inline, a JSON Web Key Set with a keys array. Exactly one of jwksUri and jwks.")
          String jwks,
      @Doc(value = "Headers the token is read from.", defaultValue = "Authorization with prefix \"Bearer \"")
          List<HeaderLocation> fromHeaders,
      @Doc("Query parameters the token is read from.") List<String> fromParams,
      @Doc("Cookies the token is read from.") List<String> fromCookies,
      @Doc("Claims copied into request headers after verification.")
          List<ClaimToHeader> outputClaimToHeaders,
      @Doc(value = "Whether the token is passed on to the backend.", defaultValue = "false")
          Boolean forwardOriginalToken,
      @Doc(
              value = "The signature algorithms accepted; none and HMAC are never accepted.",
              defaultValue = "RS256, ES256, PS256, EdDSA",
              allowed = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
                  "ES512", "EdDSA"})
          List<String> algorithms,
      @Doc(value = "Tolerance for exp, nbf and iat, at most 5m.", defaultValue = "60s")
          GatewayDuration clockSkew) {
    public JwtRule {
      audiences = audiences == null ? List.of() : List.copyOf(audiences);
      fromHeaders = fromHeaders == null ? List.of() : List.copyOf(fromHeaders);
      fromParams = fromParams == null ? List.of() : List.copyOf(fromParams);
      fromCookies = fromCookies == null ? List.of() : List.copyOf(fromCookies);
      outputClaimToHeaders =
          outputClaimToHeaders == null ? List.of() : List.copyOf(outputClaimToHeaders);
      algorithms = algorithms == null ? List.of() : List.copyOf(algorithms);
    }
  }

  /**
   * A header a token is read from.
   *
   * @param name the header name
   * @param prefix A prefix stripped before the token, e.g. "Bearer "
   */
  public record HeaderLocation(
      @Doc("The header name.") String name,
      @Doc("A prefix stripped before the token, e.g. \"Bearer \".") String prefix) {}

  /**
   * A claim copied into a request header.
   *
   * @param header the header to set
   * @param claim the claim to copy
   */
  public record ClaimToHeader(
      @Doc("The header to set.") String header, @Doc("The claim to copy.") String claim) {}
}
