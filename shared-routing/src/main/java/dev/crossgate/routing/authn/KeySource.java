package dev.crossgate.routing.authn;

import com.nimbusds.jose.jwk.JWKSet;
import io.vertx.core.Future;

/** Where a provider's verification keys come from: inline, or a cached remote JWKS. */
public interface KeySource {

  /** The current key set; completes at once when keys are cached. */
  Future<JWKSet> keys();

  /**
   * The key set after a refresh, for a token naming an unknown {@code kid}. Refreshes are
   * rate-limited: within the limit this answers with the current set.
   */
  Future<JWKSet> refreshForUnknownKid();

  /** Inline keys: never refreshed. */
  static KeySource inline(JWKSet keys) {
    Future<JWKSet> ready = Future.succeededFuture(keys);
    return new KeySource() {
      @Override
      public Future<JWKSet> keys() {
        return ready;
      }

      @Override
      public Future<JWKSet> refreshForUnknownKid() {
        return ready;
      }
    };
  }
}
