package dev.crossgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.SignedJWT;
import dev.crossgate.testkit.BackendExtension;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * JWT authentication through a real gateway, keys served by a real loopback JWKS server: every
 * rejection sends the bad token and checks the 401, its {@code WWW-Authenticate} and
 * {@code x-crossgate-error} headers, and the reason in the access log.
 */
class JwtAuthenticationTest {

  @RegisterExtension static final BackendExtension API = new BackendExtension("api");

  @TempDir static Path dir;
  static GatewayFixture gateway;
  static JwksServer jwks;
  static Tokens tokens;

  @BeforeAll
  static void start() throws Exception {
    tokens = new Tokens();
    jwks = new JwksServer();
    jwks.publish("/jwks", Tokens.jwks(tokens.rsa, tokens.ec));
    jwks.publish("/flaky", Tokens.jwks(tokens.rsa));
    jwks.down("/flaky", true);
    gateway = GatewayFixture.start(dir, """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: edge}
        spec:
          listeners: [{name: http, port: 8080, protocol: HTTP}]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: api}
        spec:
          endpoints: [{address: 127.0.0.1, port: %d}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: api}
        spec:
          parentRefs: [{name: edge}]
          rules:
            - matches: [{path: {type: PathPrefix, value: /api}}]
              backendRefs: [{name: api}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: flaky}
        spec:
          parentRefs: [{name: edge}]
          rules:
            - matches: [{path: {type: PathPrefix, value: /flaky}}]
              backendRefs: [{name: api}]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: RequestAuthentication
        metadata: {name: api-jwt}
        spec:
          targetRefs: [{kind: HTTPRoute, name: api}]
          jwtRules:
            - issuer: %s
              audiences: [shop]
              jwksUri: %s
              fromHeaders: [{name: Authorization, prefix: "Bearer "}]
              fromParams: [access_token]
              fromCookies: [session]
              outputClaimToHeaders:
                - {header: x-user, claim: sub}
                - {header: x-groups, claim: groups}
              algorithms: [RS256, ES256]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: RequestAuthentication
        metadata: {name: flaky-jwt}
        spec:
          targetRefs: [{kind: HTTPRoute, name: flaky}]
          jwtRules:
            - issuer: %s
              jwksUri: %s
              forwardOriginalToken: true
        """.formatted(API.port(), Tokens.ISSUER, jwks.uri("/jwks"), Tokens.ISSUER,
        jwks.uri("/flaky")));
  }

  @AfterAll
  static void stop() {
    gateway.close();
    jwks.close();
  }

  // ---- accepted and anonymous ------------------------------------------------------------

  @Test
  void validRs256TokenReachesTheBackendWithClaimHeadersAndWithoutTheToken() throws Exception {
    String id = id();
    HttpResponse<String> response = get("/api/x", id, "authorization",
        "Bearer " + tokens.rs256(Tokens.claims().build()), "x-user", "mallory");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonObject headers = new JsonObject(response.body()).getJsonObject("headers");
    assertThat(headers.getJsonArray("x-user").getList()).containsExactly("alice");
    assertThat(headers.getJsonArray("x-groups").getList()).containsExactly("admins,staff");
    assertThat(headers.containsKey("authorization")).isFalse();
    assertThat(logLine(id)).contains("\"authn_principal\":\"https://issuer.test/alice\"");
  }

  @Test
  void validEs256TokenIsAccepted() throws Exception {
    HttpResponse<String> response = get("/api/x", id(), "authorization",
        "Bearer " + tokens.es256(Tokens.claims().build()));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  @Test
  void tokenInAQueryParameterOrACookieIsAccepted() throws Exception {
    String token = tokens.rs256(Tokens.claims().build());
    assertThat(get("/api/q?access_token=" + token, id()).statusCode()).isEqualTo(200);
    assertThat(get("/api/c", id(), "cookie", "a=1; session=" + token).statusCode())
        .isEqualTo(200);
  }

  @Test
  void requestWithoutATokenIsAnonymousAndCannotForgeClaimHeaders() throws Exception {
    HttpResponse<String> response = get("/api/x", id(), "x-user", "mallory");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject headers = new JsonObject(response.body()).getJsonObject("headers");
    assertThat(headers.containsKey("x-user")).isFalse();
  }

  @Test
  void theSameTokenSentAgainOrSpelledDifferentlyIsAcceptedAndATamperedCopyIsNot()
      throws Exception {
    String token = tokens.rs256(Tokens.claims().build());
    for (String sent : List.of("Bearer " + token, "Bearer " + token, "bearer    " + token,
        "BEARER " + token)) {
      HttpResponse<String> response = get("/api/x", id(), "authorization", sent);
      assertThat(response.statusCode()).as(sent + ": " + response.body()).isEqualTo(200);
      assertThat(new JsonObject(response.body()).getJsonObject("headers")
          .getJsonArray("x-user").getList()).containsExactly("alice");
    }
    String tampered = token.substring(0, token.length() - 2)
        + (token.endsWith("AA") ? "BB" : "AA");
    assertThat(get("/api/x", id(), "authorization", "Bearer " + tampered).statusCode())
        .as("a remembered token's tampered copy").isEqualTo(401);
  }

  @Test
  void anotherAuthorizationSchemeIsNotAToken() throws Exception {
    assertThat(get("/api/x", id(), "authorization", "Basic YWxhZGRpbjpvcGVuc2VzYW1l")
        .statusCode()).isEqualTo(200);
  }

  // ---- rejections --------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"none", "None", "NONE", "nOnE", " none"})
  void algNoneInAnySpellingIsRejected(String alg) throws Exception {
    String token = Tokens.raw("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}",
        Tokens.claims().build().toString(), new byte[0]);
    assertRejected(token, "unsigned token");
  }

  @Test
  void hmacTokenSignedWithTheRsaPublicKeyIsRejected() throws Exception {
    byte[] publicKeyBytes = tokens.rsa.toPublicJWK().toJSONString().getBytes();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1")
        .build(), Tokens.claims().build());
    jwt.sign(new MACSigner(publicKeyBytes));
    assertRejected(jwt.serialize(), "HMAC algorithm HS256 is never accepted (key confusion)");
  }

  @Test
  void es256SignatureWithRAndSZeroIsRejected() throws Exception {
    String token = Tokens.raw("{\"alg\":\"ES256\",\"kid\":\"ec-1\"}",
        Tokens.claims().build().toString(), new byte[64]);
    assertRejected(token, "r or s zero (CVE-2022-21449)");
  }

  @Test
  void algorithmOutsideTheAllowListIsRejected() throws Exception {
    String token = tokens.sign(new JWSHeader.Builder(JWSAlgorithm.PS256).keyID("rsa-1").build(),
        Tokens.claims().build(), tokens.rsa);
    assertRejected(token, "algorithm 'PS256' is not allowed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"jwk", "jku", "x5u", "x5c"})
  void keysSuppliedByTheTokenAreRejected(String parameter) throws Exception {
    JWK attacker = new Tokens().rsa;
    String value = switch (parameter) {
      case "jwk" -> attacker.toPublicJWK().toJSONString();
      case "x5c" -> "[\"MIIB\"]";
      default -> "\"https://attacker.example/keys\"";
    };
    String header = "{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"" + parameter + "\":" + value + "}";
    String token = Tokens.raw(header, Tokens.claims().build().toString(), new byte[256]);
    assertRejected(token, "the token supplies its own key (" + parameter + ")");
  }

  @Test
  void absentKidWhenTheSetHasSeveralKeysIsRejected() throws Exception {
    String token = tokens.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).build(),
        Tokens.claims().build(), tokens.rsa);
    assertRejected(token, "the token has no kid and the issuer's key set has 2 keys");
  }

  @Test
  void unknownKidIsRejectedAfterOneRateLimitedRefresh() throws Exception {
    int before = jwks.hits("/jwks");
    String token = tokens.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-2").build(),
        Tokens.claims().build(), tokens.rsa2);
    assertRejected(token, "unknown kid 'rsa-2'");
    assertRejected(token, "unknown kid 'rsa-2'");
    assertThat(jwks.hits("/jwks") - before).as("refreshes for an unknown kid").isLessThanOrEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"../../etc/passwd", "x' OR '1'='1", "a|b", "key\\u0000", "a/b"})
  void kidWithPathOrInjectionCharactersIsRejected(String kid) throws Exception {
    String token = Tokens.raw("{\"alg\":\"RS256\",\"kid\":\"" + kid + "\"}",
        Tokens.claims().build().toString(), new byte[256]);
    assertRejected(token, "has characters a key id never has");
  }

  @Test
  void unknownCriticalHeaderIsRejected() throws Exception {
    String token = tokens.rs256(h -> h.criticalParams(java.util.Set.of("x-policy"))
        .customParam("x-policy", 1), Tokens.claims().build());
    assertRejected(token, "unknown critical header parameters");
  }

  @Test
  void expiredTokenIsRejected() throws Exception {
    Instant past = Instant.now().minusSeconds(3600);
    assertRejected(tokens.rs256(Tokens.claims().expirationTime(Date.from(past)).build()),
        "token expired at");
  }

  @Test
  void tokenNotYetValidIsRejected() throws Exception {
    Instant future = Instant.now().plusSeconds(600);
    assertRejected(tokens.rs256(Tokens.claims().notBeforeTime(Date.from(future)).build()),
        "token not valid before");
  }

  @Test
  void tokenIssuedInTheFutureBeyondTheSkewIsRejected() throws Exception {
    Instant future = Instant.now().plusSeconds(600);
    assertRejected(tokens.rs256(Tokens.claims().issueTime(Date.from(future)).build()),
        "token issued in the future");
  }

  @Test
  void aClaimWithANullValueIsTreatedAsAbsent() throws Exception {
    long now = Instant.now().getEpochSecond();
    String payload = "{\"iss\":\"" + Tokens.ISSUER + "\",\"sub\":\"alice\",\"aud\":\"shop\","
        + "\"iat\":" + (now - 10) + ",\"exp\":" + (now + 3600) + ",\"groups\":null}";
    String id = id();
    HttpResponse<String> response = get("/api/x", id, "authorization",
        "Bearer " + tokens.rs256Payload(payload));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonObject headers = new JsonObject(response.body()).getJsonObject("headers");
    assertThat(headers.getJsonArray("x-user").getList()).containsExactly("alice");
    assertThat(headers.containsKey("x-groups")).as("a null claim has no header").isFalse();
  }

  @Test
  void smallClockDifferenceWithinTheSkewIsAccepted() throws Exception {
    Instant soon = Instant.now().plusSeconds(20);
    HttpResponse<String> response = get("/api/x", id(), "authorization", "Bearer "
        + tokens.rs256(Tokens.claims().issueTime(Date.from(soon)).build()));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  @Test
  void wrongIssuerIsRejected() throws Exception {
    assertRejected(tokens.rs256(Tokens.claims().issuer("https://evil.test").build()),
        "wrong iss 'https://evil.test'");
  }

  @Test
  void wrongAudienceIsRejected() throws Exception {
    assertRejected(tokens.rs256(Tokens.claims().audience("billing").build()), "wrong aud");
  }

  @Test
  void wrongTypIsRejected() throws Exception {
    assertRejected(tokens.rs256(h -> h.type(new JOSEObjectType("secevent+jwt")),
        Tokens.claims().build()), "wrong typ 'secevent+jwt'");
  }

  @Test
  void signatureByAnotherKeyIsRejected() throws Exception {
    String token = tokens.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").build(),
        Tokens.claims().build(), tokens.rsa2);
    assertRejected(token, "signature does not verify");
  }

  @Test
  void aVerifiedTokenIsRememberedButATamperedCopyIsVerifiedAgain() throws Exception {
    String good = tokens.rs256(Tokens.claims().build());
    for (int i = 0; i < 3; i++) { // the second and third skip the signature check
      HttpResponse<String> response = get("/api/x", id(), "authorization", "Bearer " + good);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }
    // The same header and claims under another key's signature: a different token string.
    String forged = tokens.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").build(),
        Tokens.claims().build(), tokens.rsa2);
    String sameClaims = good.substring(0, good.lastIndexOf('.'))
        + forged.substring(forged.lastIndexOf('.'));
    assertRejected(sameClaims, "signature does not verify");
  }

  @Test
  void badBase64UrlIsRejected() throws Exception {
    String good = tokens.rs256(Tokens.claims().build());
    assertRejected("eyJ!bGci." + good.substring(good.indexOf('.') + 1), "bad base64url in the token header");
    String[] parts = good.split("\\.");
    assertRejected(parts[0] + "." + parts[1] + "." + parts[2] + "+/=", "bad base64url in the token signature");
  }

  @Test
  void wrongSegmentCountIsRejected() throws Exception {
    assertRejected("abc.def", "2 segments (expected 3");
    assertRejected("a.b.c.d", "4 segments (expected 3");
  }

  @Test
  void jweWhereJwsIsExpectedIsRejected() throws Exception {
    String header = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        "{\"alg\":\"RSA-OAEP-256\",\"enc\":\"A256GCM\"}".getBytes());
    assertRejected(header + ".a2V5.aXY.Y2lwaGVy.dGFn", "encrypted token (JWE)");
  }

  @Test
  void oversizedTokenIsRejected() throws Exception {
    String token = tokens.rs256(Tokens.claims().claim("pad", "x".repeat(9000)).build());
    assertRejected(token, "token too large");
  }

  @Test
  void duplicateAuthorizationHeadersAreRejected() throws Exception {
    String token = tokens.rs256(Tokens.claims().build());
    String id = id();
    HttpResponse<String> response = gateway.http.send(HttpRequest.newBuilder(gateway.uri("/api/x"))
        .header("x-request-id", id)
        .header("authorization", "Bearer " + token)
        .header("authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString());
    assertRejected(response, id, "duplicate authorization headers (2)");
  }

  // ---- the key set: failures are never cached, stale keys keep serving ---------------------

  @Test
  void issuerDownMeansRejectionUntilItIsBackAndAFailureIsNotCached() throws Exception {
    String token = tokens.rs256(Tokens.claims().build());
    String id = id();
    HttpResponse<String> down = get("/flaky/x", id, "authorization", "Bearer " + token);
    assertRejected(down, id, "the issuer's keys are unavailable");
    jwks.down("/flaky", false);
    HttpResponse<String> up = get("/flaky/x", id(), "authorization", "Bearer " + token);
    assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
    JsonObject headers = new JsonObject(up.body()).getJsonObject("headers");
    assertThat(headers.getJsonArray("authorization").getString(0))
        .as("forwardOriginalToken").isEqualTo("Bearer " + token);
    jwks.down("/flaky", true);
    // an unknown kid asks for a refresh, which fails: the cached keys keep serving
    String unknown = tokens.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-9")
        .build(), Tokens.claims().build(), tokens.rsa2);
    assertRejected(get("/flaky/x", id(), "authorization", "Bearer " + unknown), null,
        "unknown kid 'rsa-9'");
    assertThat(get("/flaky/x", id(), "authorization", "Bearer " + token).statusCode())
        .as("stale keys still verify").isEqualTo(200);
  }

  // ---- helpers -----------------------------------------------------------------------------

  private static String id() {
    return UUID.randomUUID().toString();
  }

  private static HttpResponse<String> get(String path, String id, String... headers)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri(path))
        .timeout(Duration.ofSeconds(20)).header("x-request-id", id);
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return gateway.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertRejected(String token, String reason) throws Exception {
    String id = id();
    assertRejected(get("/api/x", id, "authorization", "Bearer " + token), id, reason);
  }

  private static void assertRejected(HttpResponse<String> response, String id, String reason)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
    assertThat(response.headers().firstValue("x-crossgate-error")).hasValue("authn_failed");
    assertThat(response.headers().firstValue("www-authenticate")).get(
        org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith("Bearer error=\"invalid_token\", error_description=\"")
        .contains(reason.replace('"', '\''));
    assertThat(new JsonObject(response.body()).getString("detail")).contains(reason);
    if (id != null) {
      assertThat(logLine(id)).contains("\"error\":\"authn_failed\"")
          .contains("\"authn_failure\":").contains(reason);
    }
  }

  private static String logLine(String requestId) throws Exception {
    AtomicReference<String> line = new AtomicReference<>();
    Eventually.until("access-log line for " + requestId, () -> {
      line.set(gateway.accessLogText().lines().filter(l -> l.contains(requestId)).findFirst()
          .orElse(null));
      return line.get() != null;
    });
    return line.get();
  }
}
