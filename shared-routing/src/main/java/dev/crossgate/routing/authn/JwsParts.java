package dev.crossgate.routing.authn;

import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A compact JWS split and decoded strictly, with the header checks that need no key: size,
 * segment count, base64url alphabet, {@code alg} (never {@code none} in any spelling, never HMAC,
 * only the provider's allow-list), keys supplied by the token ({@code jwk}, {@code jku},
 * {@code x5u}, {@code x5c}), {@code crit}, {@code typ} and the shape of {@code kid}.
 *
 * @param header the header segment as sent
 * @param payload the payload segment as sent
 * @param signature the signature segment as sent
 * @param headerJson the decoded header
 * @param claimsJson the decoded claims
 * @param alg the {@code alg} header
 * @param kid the {@code kid} header, or null
 */
public record JwsParts(Base64URL header, Base64URL payload, Base64URL signature,
    Map<String, Object> headerJson, Map<String, Object> claimsJson, String alg, String kid) {

  /** The longest token accepted, in characters. */
  public static final int MAX_TOKEN_LENGTH = 8192;

  private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]*");
  private static final Pattern KID = Pattern.compile("[A-Za-z0-9._:+=-]{1,128}");
  private static final List<String> TOKEN_KEYS = List.of("jwk", "jku", "x5u", "x5c");
  private static final List<String> TYPES = List.of("jwt", "application/jwt", "at+jwt",
      "application/at+jwt");

  /**
   * Splits, decodes and checks a token against a provider's algorithm allow-list.
   *
   * @throws AuthnFailure naming the first thing that is wrong
   */
  public static JwsParts parse(String token, List<String> allowedAlgorithms) throws AuthnFailure {
    if (token.length() > MAX_TOKEN_LENGTH) {
      throw new AuthnFailure("token too large: " + token.length() + " characters (at most "
          + MAX_TOKEN_LENGTH + ")");
    }
    String[] segments = token.split("\\.", -1);
    if (segments.length == 5) {
      throw new AuthnFailure("encrypted token (JWE) where a signed token (JWS) is expected");
    }
    if (segments.length != 3) {
      throw new AuthnFailure("malformed token: " + segments.length
          + " segments (expected 3: header.payload.signature)");
    }
    String[] names = {"header", "payload", "signature"};
    byte[][] decoded = new byte[3][];
    for (int i = 0; i < 3; i++) {
      // an empty signature is well-formed base64url; the alg check names an unsigned token
      if (segments[i].isEmpty() && i < 2 || !BASE64URL.matcher(segments[i]).matches()
          || segments[i].length() % 4 == 1) {
        throw new AuthnFailure("bad base64url in the token " + names[i]);
      }
      decoded[i] = Base64.getUrlDecoder().decode(segments[i]);
    }
    Map<String, Object> header = json(decoded[0], "header");
    checkHeader(header, allowedAlgorithms);
    Map<String, Object> claims = json(decoded[1], "payload");
    return new JwsParts(new Base64URL(segments[0]), new Base64URL(segments[1]),
        new Base64URL(segments[2]), header, claims, (String) header.get("alg"),
        (String) header.get("kid"));
  }

  /** The raw signature bytes. */
  public byte[] signatureBytes() {
    return signature.decode();
  }

  /** The bytes the signature covers: {@code header.payload} in ASCII. */
  public byte[] signingInput() {
    return (header + "." + payload).getBytes(StandardCharsets.US_ASCII);
  }

  private static Map<String, Object> json(byte[] bytes, String what) throws AuthnFailure {
    try {
      return JSONObjectUtils.parse(new String(bytes, StandardCharsets.UTF_8));
    } catch (ParseException e) {
      throw new AuthnFailure("the token " + what + " is not a JSON object");
    }
  }

  private static void checkHeader(Map<String, Object> header, List<String> allowed)
      throws AuthnFailure {
    if (header.containsKey("enc")) {
      throw new AuthnFailure("encrypted token (JWE) where a signed token (JWS) is expected");
    }
    Object algValue = header.get("alg");
    if (!(algValue instanceof String alg) || alg.isEmpty()) {
      throw new AuthnFailure("the token header has no alg");
    }
    if (alg.strip().equalsIgnoreCase("none")) {
      throw new AuthnFailure("unsigned token (alg: " + alg + ") is never accepted");
    }
    if (alg.toUpperCase(Locale.ROOT).startsWith("HS")) {
      throw new AuthnFailure("HMAC algorithm " + alg + " is never accepted (key confusion)");
    }
    if (!allowed.contains(alg)) {
      throw new AuthnFailure("algorithm " + printable(alg) + " is not allowed (expected one of "
          + String.join(", ", allowed) + ")");
    }
    for (String key : TOKEN_KEYS) {
      if (header.containsKey(key)) {
        throw new AuthnFailure("the token supplies its own key (" + key
            + "); only the issuer's key set is trusted");
      }
    }
    if (header.containsKey("crit")) {
      throw new AuthnFailure("unknown critical header parameters (crit: "
          + printable(String.valueOf(header.get("crit"))) + ")");
    }
    Object typ = header.get("typ");
    if (typ != null && !(typ instanceof String t && TYPES.contains(t.toLowerCase(Locale.ROOT)))) {
      throw new AuthnFailure("wrong typ " + printable(String.valueOf(typ))
          + " (expected JWT or at+jwt)");
    }
    Object kid = header.get("kid");
    if (kid != null && !(kid instanceof String k && KID.matcher(k).matches())) {
      throw new AuthnFailure("kid " + printable(String.valueOf(kid))
          + " has characters a key id never has (expected letters, digits and . _ : + = -)");
    }
  }

  /** At most 40 characters, control characters and quotes replaced, for messages. */
  static String printable(String value) {
    String shown = value.length() > 40 ? value.substring(0, 40) + "..." : value;
    StringBuilder out = new StringBuilder(shown.length() + 2).append('\'');
    for (int i = 0; i < shown.length(); i++) {
      char c = shown.charAt(i);
      out.append(c < 0x20 || c == 0x7f || c == '"' || c == '\\' ? '?' : c);
    }
    return out.append('\'').toString();
  }
}
