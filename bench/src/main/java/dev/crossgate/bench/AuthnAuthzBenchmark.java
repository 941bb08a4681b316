package dev.crossgate.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
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
import dev.crossgate.policy.cel.CompiledCondition;
import dev.crossgate.policy.cel.ConditionCompiler;
import dev.crossgate.policy.codec.LoadResult;
import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.routing.authn.JwsParts;
import dev.crossgate.routing.authn.JwtProvider;
import dev.crossgate.routing.authn.JwtVerifier;
import dev.crossgate.routing.authn.KeySource;
import dev.crossgate.routing.authn.RequestIdentity;
import dev.crossgate.routing.authz.AuthorizationCompiler;
import dev.crossgate.routing.authz.AuthorizationEngine;
import dev.crossgate.routing.authz.AuthzRequest;
import dev.crossgate.routing.authz.PolicyTarget;
import dev.crossgate.routing.ratelimit.LocalRateLimiter;
import dev.crossgate.routing.ratelimit.Rate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The per-request cost of security: verifying a JWT with keys already cached (RS256 2048-bit,
 * ES256), evaluating one compiled CEL condition (over a prepared map, and with variables looked
 * up on demand as the authorization filter does), a whole authorization decision with one
 * RoleBinding plus one CEL-conditioned DENY policy (whose condition reads no header, and one that
 * does), and one local rate-limit check.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AuthnAuthzBenchmark {

  private static final String ISSUER = "https://issuer.bench";

  private String rs256Token;
  private String es256Token;
  private JWKSet keys;
  private JwtProvider provider;
  private CompiledCondition condition;
  private Map<String, Object> activation;
  private AuthorizationEngine engine;
  private AuthorizationEngine headerEngine;
  private AuthzRequest request;
  private LocalRateLimiter limiter;

  @Setup
  public void setUp() throws Exception {
    RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    keys = new JWKSet(List.<JWK>of(rsa, ec)).toPublicJWKSet();
    JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).subject("alice")
        .audience("shop").expirationTime(Date.from(Instant.now().plusSeconds(86_400)))
        .claim("groups", List.of("staff")).build();
    SignedJWT rs = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1")
        .build(), claims);
    rs.sign(new RSASSASigner(rsa));
    rs256Token = rs.serialize();
    SignedJWT es = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("ec-1")
        .build(), claims);
    es.sign(new ECDSASigner(ec));
    es256Token = es.serialize();
    provider = new JwtProvider(ISSUER, List.of("shop"), List.of(), List.of(), false,
        List.of("RS256", "ES256"), null, KeySource.inline(keys));

    condition = ConditionCompiler.standard().compile(
        "request.method == 'GET' && 'staff' in jwt.claims['groups']").condition();
    activation = Map.of(
        "request", Map.of("method", "GET", "path", "/orders/7", "host", "shop.example.com",
            "headers", Map.of("user-agent", "bench"), "query", Map.of()),
        "source", Map.of("address", "127.0.0.1", "principal", "", "namespace", ""),
        "jwt", Map.of("claims", claims.getClaims()),
        "now", Instant.now());

    engine = engine("!('staff' in jwt.claims['groups']) && request.path.startsWith('/orders')");
    headerEngine = engine("request.headers['x-tenant'] == 'evil' && 'staff' in jwt.claims['groups']");
    limiter = new LocalRateLimiter(new Rate(1_000_000, Duration.ofSeconds(1), 1_000_000), 100_000,
        System::nanoTime);
    RequestIdentity identity = RequestIdentity.ANONYMOUS.withJwt(ISSUER + "/alice",
        claims.getClaims());
    request = new BenchAuthzRequest(identity);
    if (!engine.decide(request, Instant.now()).allowed()
        || !headerEngine.decide(request, Instant.now()).allowed()) {
      throw new IllegalStateException("the benchmark request should be allowed");
    }
  }

  /** The engine of the bench route: one RoleBinding and one DENY policy with {@code condition}. */
  private static AuthorizationEngine engine(String condition) {
    LoadResult loaded = PolicyLoader.loadString("bench.yaml", """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: edge, namespace: default}
        spec:
          listeners: [{name: http, port: 8080, protocol: HTTP}]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: api, namespace: default}
        spec:
          endpoints: [{address: 127.0.0.1, port: 9001}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: api, namespace: default}
        spec:
          parentRefs: [{name: edge}]
          rules: [{backendRefs: [{name: api}]}]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Role
        metadata: {name: reader, namespace: default}
        spec:
          rules: [{methods: [GET], paths: [/orders/*]}]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: RoleBinding
        metadata: {name: staff, namespace: default}
        spec:
          roleRef: {name: reader}
          targetRefs: [{kind: HTTPRoute, name: api}]
          subjects: [{kind: Group, name: staff}]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: no-guests-at-night, namespace: default}
        spec:
          targetRefs: [{kind: HTTPRoute, name: api}]
          action: DENY
          rules: [{}]
          condition: "%s"
        """.formatted(condition));
    if (!loaded.ok()) {
      throw new IllegalStateException(loaded.problems().toString());
    }
    return new AuthorizationCompiler(loaded.bundle()).engineFor(new PolicyTarget("HTTPRoute",
        "default", "api", "default/edge", Set.of("http"), Set.of("default/api")));
  }

  /** Parse, checks, key lookup, RS256 signature and claims of one token, keys cached. */
  @Benchmark
  public Map<String, Object> jwtVerifyRs256() throws Exception {
    return verify(rs256Token);
  }

  /** The same for ES256. */
  @Benchmark
  public Map<String, Object> jwtVerifyEs256() throws Exception {
    return verify(es256Token);
  }

  /** One compiled CEL condition over a prepared activation. */
  @Benchmark
  public boolean celEvaluate() {
    return condition.evaluate(activation);
  }

  /** The same condition with its variables looked up by name when read (the filter's path). */
  @Benchmark
  public boolean celEvaluateOnDemand() {
    return condition.evaluate(activation::get);
  }

  /**
   * A whole decision: one DENY policy with a CEL condition over the path and a claim (variables
   * built from the request as read), then one RoleBinding.
   */
  @Benchmark
  public boolean authorizationDecision() {
    return engine.decide(request, Instant.now()).allowed();
  }

  /**
   * The same with a condition that reads a header: the request's 8 headers are copied into the
   * CEL map (as the gateway's request adapter does), once per request.
   */
  @Benchmark
  public boolean authorizationDecisionOverAHeader() {
    return headerEngine.decide(request, Instant.now()).allowed();
  }

  /** One local (GCRA) rate-limit check for a known client address. */
  @Benchmark
  public boolean rateLimitLocal() {
    return limiter.tryAcquire("192.0.2.10").allowed();
  }

  private Map<String, Object> verify(String token) throws Exception {
    JwsParts parts = JwsParts.parse(token, provider.algorithms());
    JWK key = JwtVerifier.selectKey(parts, keys);
    return JwtVerifier.verify(parts, key, provider, Instant.now());
  }

  /** A GET /orders/7 by a verified caller. */
  private record BenchAuthzRequest(RequestIdentity identity) implements AuthzRequest {
    @Override
    public String method() {
      return "GET";
    }

    @Override
    public String path() {
      return "/orders/7";
    }

    @Override
    public String host() {
      return "shop.example.com";
    }

    @Override
    public int port() {
      return 8080;
    }

    @Override
    public String header(String name) {
      return null;
    }

    @Override
    public Map<String, String> headers() {
      Map<String, String> headers = new HashMap<>(); // a fresh copy, as ExchangeAuthzRequest does
      headers.put("host", "shop.example.com");
      headers.put("user-agent", "bench/1.0");
      headers.put("accept", "*/*");
      headers.put("authorization", "Bearer eyJ...");
      headers.put("x-request-id", "0af7651916cd43dd8448eb211c80319c");
      headers.put("x-forwarded-for", "192.0.2.10");
      headers.put("x-tenant", "acme");
      headers.put("accept-encoding", "gzip");
      return headers;
    }

    @Override
    public Map<String, String> query() {
      return Map.of();
    }

    @Override
    public String sourceAddress() {
      return "127.0.0.1";
    }
  }
}
