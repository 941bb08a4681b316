package dev.crossgate.routing.authn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** EdDSA verification and key-use rules, which the gateway tests (RS256, ES256) do not reach. */
class JwtVerifierTest {

  private static final String ISSUER = "https://issuer.test";

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static JwtProvider provider(JWKSet keys) {
    return new JwtProvider(ISSUER, List.of(), List.of(), List.of(), false, List.of(),
        Duration.ofSeconds(60), KeySource.inline(keys));
  }

  @Test
  void eddsaTokensVerifyWithAnEd25519Key() throws Exception {
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] spki = pair.getPublic().getEncoded();
    byte[] x = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
    OctetKeyPair jwk = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x))
        .keyID("ed-1").build();
    long exp = Instant.now().plusSeconds(600).getEpochSecond();
    String signingInput = b64("{\"alg\":\"EdDSA\",\"kid\":\"ed-1\"}") + "."
        + b64("{\"iss\":\"" + ISSUER + "\",\"sub\":\"carol\",\"exp\":" + exp + "}");
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(pair.getPrivate());
    signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    String token = signingInput + "."
        + Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign());
    JWKSet keys = new JWKSet(jwk);

    JwsParts parts = JwsParts.parse(token, JwtProvider.DEFAULT_ALGORITHMS);
    assertThat(JwtVerifier.verify(parts, JwtVerifier.selectKey(parts, keys), provider(keys),
        Instant.now())).containsEntry("sub", "carol");

    int first = token.lastIndexOf('.') + 1;
    char flipped = token.charAt(first) == 'A' ? 'B' : 'A';
    String tampered = token.substring(0, first) + flipped + token.substring(first + 1);
    JwsParts bad = JwsParts.parse(tampered, JwtProvider.DEFAULT_ALGORITHMS);
    assertThatThrownBy(() -> JwtVerifier.verify(bad, JwtVerifier.selectKey(bad, keys),
        provider(keys), Instant.now())).isInstanceOf(AuthnFailure.class)
        .hasMessageContaining("signature does not verify");
  }

  @Test
  void anEncryptionKeyOrAKeyOfAnotherTypeIsNeverUsedToVerify() throws Exception {
    JWKSet keys = new JWKSet(List.of(
        new RSAKeyGenerator(2048).keyID("enc").keyUse(KeyUse.ENCRYPTION).generate()
            .toPublicJWK(),
        new RSAKeyGenerator(2048).keyID("rsa").generate().toPublicJWK()));
    String payload = b64("{\"iss\":\"" + ISSUER + "\"}");
    JwsParts enc = JwsParts.parse(b64("{\"alg\":\"RS256\",\"kid\":\"enc\"}") + "." + payload
        + ".AAAA", List.of("RS256", "ES256"));
    assertThatThrownBy(() -> JwtVerifier.selectKey(enc, keys))
        .hasMessageContaining("cannot verify algorithm RS256");
    JwsParts es = JwsParts.parse(b64("{\"alg\":\"ES256\",\"kid\":\"rsa\"}") + "." + payload
        + ".AAAA", List.of("RS256", "ES256"));
    assertThatThrownBy(() -> JwtVerifier.selectKey(es, keys))
        .hasMessageContaining("(RSA) cannot verify algorithm ES256");
  }

  @Test
  void ecdsaSignaturesOutOfRangeAreRefusedBeforeVerification() {
    java.math.BigInteger order = Curve.P_256.toECParameterSpec().getOrder();
    byte[] rZero = new byte[64];
    rZero[63] = 1;
    assertThatThrownBy(() -> JwtVerifier.checkEcdsaSignature(rZero, order))
        .hasMessage("ECDSA signature with r or s zero (CVE-2022-21449)");
    byte[] tooBig = new byte[64];
    Arrays.fill(tooBig, 0, 32, (byte) 0xff);
    tooBig[63] = 1;
    assertThatThrownBy(() -> JwtVerifier.checkEcdsaSignature(tooBig, order))
        .hasMessage("ECDSA signature with r or s not below the curve order");
    assertThatThrownBy(() -> JwtVerifier.checkEcdsaSignature(new byte[70], order))
        .hasMessage("ECDSA signature of 70 bytes (expected 64)");
  }
}
