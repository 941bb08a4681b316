package dev.crossgate.routing.authn;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Verifies a checked {@link JwsParts} against one provider: picks the key from the issuer's set
 * (by {@code kid}, never from the token), checks the key type fits the algorithm, rejects ECDSA
 * signatures with r or s zero or out of range (CVE-2022-21449), verifies the signature and then
 * the claims ({@code iss}, {@code aud}, {@code exp}, {@code nbf}, {@code iat} with the allowed
 * skew). Stateless and thread-safe.
 */
public final class JwtVerifier {

  private static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b,
      0x65, 0x70, 0x03, 0x21, 0x00};

  private JwtVerifier() {}

  /**
   * The key of {@code keys} that verifies this token, or null when the token names a {@code kid}
   * the set does not have (the caller may refresh the set and ask again).
   *
   * @throws AuthnFailure when the token has no {@code kid} and the set has several candidate
   *     keys, or none that fits the algorithm
   */
  public static JWK selectKey(JwsParts parts, JWKSet keys) throws AuthnFailure {
    if (parts.kid() != null) {
      JWK key = keys.getKeyByKeyId(parts.kid());
      if (key == null) {
        return null;
      }
      checkFits(key, parts.alg());
      return key;
    }
    List<JWK> candidates = new ArrayList<>();
    for (JWK key : keys.getKeys()) {
      if (fits(key, parts.alg())) {
        candidates.add(key);
      }
    }
    if (candidates.size() == 1 && keys.size() == 1) {
      return candidates.get(0);
    }
    if (candidates.isEmpty()) {
      throw new AuthnFailure("no key in the issuer's key set fits algorithm " + parts.alg());
    }
    throw new AuthnFailure("the token has no kid and the issuer's key set has " + keys.size()
        + " keys");
  }

  /**
   * Verifies the signature with {@code key}, then the claims.
   *
   * @return the verified claims
   * @throws AuthnFailure naming what failed
   */
  public static Map<String, Object> verify(JwsParts parts, JWK key, JwtProvider provider,
      Instant now) throws AuthnFailure {
    if (!signatureValid(parts, key)) {
      throw new AuthnFailure("signature does not verify with the issuer's key "
          + (key.getKeyID() == null ? "" : JwsParts.printable(key.getKeyID())));
    }
    Map<String, Object> claims = parts.claimsJson();
    checkClaims(claims, provider, now);
    return claims;
  }

  private static void checkFits(JWK key, String alg) throws AuthnFailure {
    if (!fits(key, alg)) {
      throw new AuthnFailure("key " + JwsParts.printable(String.valueOf(key.getKeyID()))
          + " (" + key.getKeyType() + ") cannot verify algorithm " + alg);
    }
  }

  /** Whether the key's type, curve, use and own alg allow this algorithm. */
  static boolean fits(JWK key, String alg) {
    if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
      return false;
    }
    if (key.getAlgorithm() != null && !key.getAlgorithm().getName().equals(alg)) {
      return false;
    }
    JWSAlgorithm algorithm = JWSAlgorithm.parse(alg);
    if (JWSAlgorithm.Family.RSA.contains(algorithm)) {
      return key instanceof RSAKey && !key.isPrivate();
    }
    if (JWSAlgorithm.Family.EC.contains(algorithm)) {
      return key instanceof ECKey ec && !key.isPrivate()
          && Curve.forJWSAlgorithm(algorithm).contains(ec.getCurve());
    }
    if (JWSAlgorithm.EdDSA.equals(algorithm)) {
      return key instanceof OctetKeyPair okp && !key.isPrivate()
          && Curve.Ed25519.equals(okp.getCurve());
    }
    return false;
  }

  private static boolean signatureValid(JwsParts parts, JWK key) throws AuthnFailure {
    JWSAlgorithm algorithm = JWSAlgorithm.parse(parts.alg());
    try {
      if (key instanceof OctetKeyPair okp) {
        return ed25519(parts, okp);
      }
      JWSVerifier verifier;
      if (key instanceof RSAKey rsa) {
        verifier = new RSASSAVerifier(rsa.toRSAPublicKey());
      } else {
        ECPublicKey ec = ((ECKey) key).toECPublicKey();
        checkEcdsaSignature(parts.signatureBytes(), ec.getParams().getOrder());
        verifier = new ECDSAVerifier(ec);
      }
      JWSObject jws = new JWSObject(parts.header(), parts.payload(), parts.signature());
      if (!algorithm.equals(jws.getHeader().getAlgorithm())) {
        throw new AuthnFailure("algorithm " + parts.alg() + " changed while parsing");
      }
      return jws.verify(verifier);
    } catch (JOSEException | ParseException | GeneralSecurityException e) {
      throw new AuthnFailure("cannot verify the signature: " + e.getMessage());
    }
  }

  /**
   * Rejects an ECDSA signature whose r or s is zero or not below the curve order: such
   * signatures verify anything on unpatched JDKs (CVE-2022-21449).
   */
  static void checkEcdsaSignature(byte[] signature, BigInteger order) throws AuthnFailure {
    int half = (order.bitLength() + 7) / 8;
    if (signature.length != 2 * half) {
      throw new AuthnFailure("ECDSA signature of " + signature.length + " bytes (expected "
          + 2 * half + ")");
    }
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, half));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, half, 2 * half));
    if (r.signum() == 0 || s.signum() == 0) {
      throw new AuthnFailure("ECDSA signature with r or s zero (CVE-2022-21449)");
    }
    if (r.compareTo(order) >= 0 || s.compareTo(order) >= 0) {
      throw new AuthnFailure("ECDSA signature with r or s not below the curve order");
    }
  }

  private static boolean ed25519(JwsParts parts, OctetKeyPair okp)
      throws GeneralSecurityException {
    byte[] x = okp.getDecodedX();
    byte[] spki = Arrays.copyOf(ED25519_SPKI_PREFIX, ED25519_SPKI_PREFIX.length + x.length);
    System.arraycopy(x, 0, spki, ED25519_SPKI_PREFIX.length, x.length);
    PublicKey publicKey = KeyFactory.getInstance("Ed25519")
        .generatePublic(new X509EncodedKeySpec(spki));
    Signature signature = Signature.getInstance("Ed25519");
    signature.initVerify(publicKey);
    signature.update(parts.signingInput());
    try {
      return signature.verify(parts.signatureBytes());
    } catch (java.security.SignatureException e) {
      return false; // e.g. R is not a point on the curve: a signature that does not verify
    }
  }

  static void checkClaims(Map<String, Object> claims, JwtProvider provider, Instant now)
      throws AuthnFailure {
    Object iss = claims.get("iss");
    if (!provider.issuer().equals(iss)) {
      throw new AuthnFailure("wrong iss " + JwsParts.printable(String.valueOf(iss))
          + " (expected " + provider.issuer() + ")");
    }
    if (!provider.audiences().isEmpty()) {
      Object aud = claims.get("aud");
      if (!anAudienceMatches(aud, provider.audiences())) {
        throw new AuthnFailure("wrong aud " + JwsParts.printable(String.valueOf(aud))
            + " (expected one of " + String.join(", ", provider.audiences()) + ")");
      }
    }
    long skew = provider.clockSkew().toSeconds();
    long nowSeconds = now.getEpochSecond();
    Long exp = seconds(claims, "exp");
    if (exp != null && nowSeconds > exp + skew) {
      throw new AuthnFailure("token expired at " + Instant.ofEpochSecond(exp));
    }
    Long nbf = seconds(claims, "nbf");
    if (nbf != null && nbf > nowSeconds + skew) {
      throw new AuthnFailure("token not valid before " + Instant.ofEpochSecond(nbf));
    }
    Long iat = seconds(claims, "iat");
    if (iat != null && iat > nowSeconds + skew) {
      throw new AuthnFailure("token issued in the future (iat " + Instant.ofEpochSecond(iat)
          + ")");
    }
    Object sub = claims.get("sub");
    if (sub != null && !(sub instanceof String)) {
      throw new AuthnFailure("sub is not a string");
    }
  }

  /** Whether {@code aud} (a string or a list) names one of {@code audiences}; no stream. */
  private static boolean anAudienceMatches(Object aud, List<String> audiences) {
    if (aud instanceof List<?> list) {
      for (Object value : list) {
        if (audiences.contains(value)) {
          return true;
        }
      }
      return false;
    }
    return aud != null && audiences.contains(aud);
  }

  private static Long seconds(Map<String, Object> claims, String name) throws AuthnFailure {
    Object value = claims.get(name);
    if (value == null) {
      return null;
    }
    if (value instanceof Number number) {
      return number.longValue();
    }
    throw new AuthnFailure(name + " is not a number of seconds");
  }
}
