package dev.crossgate.routing.authn;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.jwk.JWK;
import java.time.Duration;
import java.util.Map;

/**
 * Tokens whose signature verified, with their parsed parts and the key that verified them, so a
 * client sending the same token again skips the parse and the signature check. The JWT filter
 * keeps one per token location, keyed by the value as sent there (e.g. the whole
 * {@code Authorization} header), which holds exactly one token. Only successes are
 * kept; a hit counts only with the very same key object (a refreshed key set has new objects, so
 * rotated or removed keys verify again); the claims ({@code exp}, {@code nbf}, {@code iss},
 * {@code aud}, ...) are still checked on every request. Bounded in size and age.
 */
final class VerifiedTokens {

  /** Tokens kept at most. */
  static final int MAX_TOKENS = 10_000;

  /** How long a verified token is kept. */
  static final Duration MAX_AGE = Duration.ofMinutes(5);

  /**
   * A verified token.
   *
   * @param parts its parsed parts
   * @param key the key that verified its signature
   * @param claims its claims, immutable (what the request identity holds)
   * @param principal {@code iss/sub}
   */
  record Verified(JwsParts parts, JWK key, Map<String, Object> claims, String principal) {}

  private final Cache<String, Verified> tokens = Caffeine.newBuilder()
      .maximumSize(MAX_TOKENS).expireAfterWrite(MAX_AGE).build();

  /** The token's verified parts and key, or null. */
  Verified get(String token) {
    return tokens.getIfPresent(token);
  }

  /**
   * Remembers that {@code key} verified the signature of {@code token}, whose verified claims
   * are {@code claims} and request principal {@code principal}.
   *
   * @return what is remembered
   */
  Verified verified(String token, JwsParts parts, JWK key, Map<String, Object> claims,
      String principal) {
    Verified verified = new Verified(parts, key, RequestIdentity.frozen(claims), principal);
    tokens.put(token, verified);
    return verified;
  }
}
