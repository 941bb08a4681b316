package dev.crossgate.routing.authn;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One accepted issuer, compiled from a {@code RequestAuthentication} JWT rule.
 *
 * @param issuer the required {@code iss}
 * @param audiences accepted {@code aud} values; any when empty
 * @param locations where the token is looked for
 * @param outputClaimToHeaders claims copied to upstream headers after verification
 * @param forwardOriginalToken whether the token stays on the upstream request
 * @param algorithms the accepted {@code alg} values
 * @param clockSkew the tolerance for {@code exp}, {@code nbf}, {@code iat}
 * @param keys the issuer's keys
 */
public record JwtProvider(String issuer, List<String> audiences, List<TokenLocation> locations,
    List<ClaimHeader> outputClaimToHeaders, boolean forwardOriginalToken,
    List<String> algorithms, Duration clockSkew, KeySource keys) {

  /** The algorithms accepted when a rule names none. */
  public static final List<String> DEFAULT_ALGORITHMS = List.of("RS256", "ES256", "PS256",
      "EdDSA");

  /** The skew allowed when a rule names none. */
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);

  public JwtProvider {
    Objects.requireNonNull(issuer, "issuer");
    audiences = List.copyOf(audiences);
    locations = locations.isEmpty() ? List.of(TokenLocation.DEFAULT) : List.copyOf(locations);
    outputClaimToHeaders = List.copyOf(outputClaimToHeaders);
    algorithms = algorithms.isEmpty() ? DEFAULT_ALGORITHMS : List.copyOf(algorithms);
    clockSkew = clockSkew == null ? DEFAULT_CLOCK_SKEW : clockSkew;
    Objects.requireNonNull(keys, "keys");
  }

  /**
   * A claim copied into a request header.
   *
   * @param header the header name
   * @param claim the claim name
   */
  public record ClaimHeader(String header, String claim) {}
}
