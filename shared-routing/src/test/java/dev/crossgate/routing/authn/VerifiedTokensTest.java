package dev.crossgate.routing.authn;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the verified-token memory answers. */
class VerifiedTokensTest {

  @Test
  void onlyAVerifiedTokenIsKnownWithTheKeyThatVerifiedIt() throws Exception {
    RSAKey key = new RSAKeyGenerator(2048).keyID("k").generate().toPublicJWK();
    JwsParts parts = new JwsParts(Base64URL.encode("h"), Base64URL.encode("p"),
        Base64URL.encode("s"), Map.of(), Map.of("sub", "alice"), "RS256", "k");
    VerifiedTokens tokens = new VerifiedTokens();

    assertThat(tokens.get("a.b.c")).isNull();
    Map<String, Object> claims = new HashMap<>(Map.of("sub", "alice", "iss", "https://i"));
    tokens.verified("a.b.c", parts, key, claims, "https://i/alice");
    claims.put("sub", "mallory");

    assertThat(tokens.get("a.b.c").key()).isSameAs(key);
    assertThat(tokens.get("a.b.c").parts()).isSameAs(parts);
    assertThat(tokens.get("a.b.c").claims()).as("a copy, immutable")
        .containsEntry("sub", "alice").isUnmodifiable();
    assertThat(tokens.get("a.b.c").principal()).isEqualTo("https://i/alice");
    assertThat(tokens.get("a.b.d")).as("another signature is another token").isNull();
  }
}
