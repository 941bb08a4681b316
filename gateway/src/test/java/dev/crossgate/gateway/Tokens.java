package dev.crossgate.gateway;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;

/** Test keys and tokens: real RS256/ES256 signatures, and hand-made bad tokens. */
final class Tokens {

  static final String ISSUER = "https://issuer.test";

  final RSAKey rsa;
  final RSAKey rsa2;
  final ECKey ec;

  Tokens() {
    try {
      rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
      rsa2 = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
      ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A public key set of these keys. */
  static String jwks(JWK... keys) {
    return new JWKSet(List.of(keys)).toPublicJWKSet().toString();
  }

  /** Claims valid now: iss, sub alice, aud shop, exp in an hour, groups. */
  static JWTClaimsSet.Builder claims() {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder().issuer(ISSUER).subject("alice").audience("shop")
        .issueTime(Date.from(now.minusSeconds(10))).expirationTime(Date.from(now.plusSeconds(3600)))
        .claim("groups", List.of("admins", "staff"));
  }

  String rs256(JWTClaimsSet claims) {
    return sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.getKeyID())
        .type(JOSEObjectType.JWT).build(), claims, rsa);
  }

  String rs256(UnaryOperator<JWSHeader.Builder> header, JWTClaimsSet claims) {
    return sign(header.apply(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.getKeyID()))
        .build(), claims, rsa);
  }

  String es256(JWTClaimsSet claims) {
    return sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ec.getKeyID()).build(), claims,
        ec);
  }

  String sign(JWSHeader header, JWTClaimsSet claims, JWK key) {
    try {
      JWSSigner signer = key instanceof RSAKey r ? new RSASSASigner(r)
          : new ECDSASigner((ECKey) key);
      SignedJWT jwt = new SignedJWT(header, claims);
      jwt.sign(signer);
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** An RS256 token over exactly {@code payloadJson} (claims nimbus would not write, e.g. null). */
  String rs256Payload(String payloadJson) {
    try {
      com.nimbusds.jose.JWSObject jws = new com.nimbusds.jose.JWSObject(
          new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.getKeyID()).build(),
          new com.nimbusds.jose.Payload(payloadJson));
      jws.sign(new RSASSASigner(rsa));
      return jws.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A token from raw header and payload JSON and signature bytes. */
  static String raw(String headerJson, String payloadJson, byte[] signature) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString(headerJson.getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(signature);
  }
}
