package dev.crossgate.routing.authz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.codec.LoadResult;
import dev.crossgate.policy.codec.PolicyLoader;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The authorization engine compiled from real policy YAML (loaded and validated by policy-api):
 * RBAC, ABAC from/to/when, CEL over each input, DENY before ALLOW, Istio defaults, default-deny,
 * AUDIT and dry-run.
 */
class AuthorizationEngineTest {

  private static final String BASE = """
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: edge, namespace: default}
      spec:
        listeners:
          - {name: http, port: 8080, protocol: HTTP}
          - {name: admin, port: 9090, protocol: HTTP}
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
        rules:
          - backendRefs: [{name: api}]
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: other, namespace: default}
      spec:
        parentRefs: [{name: edge}]
        hostnames: [other.example.com]
        rules:
          - backendRefs: [{name: api}]
      """;

  private static final PolicyTarget API = new PolicyTarget("HTTPRoute", "default", "api",
      "default/edge", Set.of("http"), Set.of("default/api"));

  static AuthorizationEngine engine(String policies) {
    return compiler(policies).engineFor(API);
  }

  static AuthorizationCompiler compiler(String policies) {
    LoadResult result = PolicyLoader.loadString("test.yaml", BASE + "---\n" + policies);
    assertThat(result.problems()).isEmpty();
    return new AuthorizationCompiler(result.bundle());
  }

  static Decision decide(AuthorizationEngine engine, TestAuthzRequest request) {
    return engine.decide(request, Instant.parse("2026-11-29T12:00:00Z"));
  }

  static String policy(String name, String spec) {
    return """
        apiVersion: crossgate.dev/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: %s, namespace: default}
        spec:
          targetRefs: [{kind: HTTPRoute, name: api}]
        %s
        """.formatted(name, spec.indent(2));
  }

  @Nested
  class Rbac {

    private final AuthorizationEngine engine = engine("""
        apiVersion: crossgate.dev/v1alpha1
        kind: Role
        metadata: {name: order-reader, namespace: default}
        spec:
          rules:
            - methods: [GET, HEAD]
              paths: [/orders/*, /orders]
              hosts: ["*.example.com"]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: RoleBinding
        metadata: {name: readers, namespace: default}
        spec:
          roleRef: {name: order-reader}
          targetRefs: [{kind: HTTPRoute, name: api}]
          subjects:
            - {kind: User, name: alice}
            - {kind: Group, name: support, claim: roles}
            - {kind: Principal, name: spiffe://cluster.local/ns/shop/sa/billing}
        """);

    @Test
    void aUserSubjectGetsTheRolePermissions() {
      Decision decision = decide(engine, TestAuthzRequest.get("/orders/7").jwt("alice", Map.of()));
      assertThat(decision.allowed()).isTrue();
      assertThat(decision.policy()).isEqualTo("RoleBinding default/readers");
      assertThat(decision.rule()).isZero();
    }

    @Test
    void permissionsLimitMethodPathAndHost() {
      assertThat(decide(engine, TestAuthzRequest.get("/orders/7").method("POST")
          .jwt("alice", Map.of())).allowed()).isFalse();
      assertThat(decide(engine, TestAuthzRequest.get("/users/7").jwt("alice", Map.of()))
          .allowed()).isFalse();
      assertThat(decide(engine, TestAuthzRequest.get("/orders").host("evil.test")
          .jwt("alice", Map.of())).allowed()).isFalse();
    }

    @Test
    void aGroupSubjectMatchesAValueOfItsClaim() {
      assertThat(decide(engine, TestAuthzRequest.get("/orders").jwt("bob",
          Map.of("roles", List.of("dev", "support")))).allowed()).isTrue();
      assertThat(decide(engine, TestAuthzRequest.get("/orders").jwt("bob",
          Map.of("groups", List.of("support")))).allowed()).as("another claim").isFalse();
    }

    @Test
    void aPrincipalSubjectMatchesTheMeshIdentity() {
      assertThat(decide(engine, TestAuthzRequest.get("/orders")
          .mesh("spiffe://cluster.local/ns/shop/sa/billing", "shop")).allowed()).isTrue();
    }

    @Test
    void othersAndAnonymousAreDeniedOnceAGrantTargetsTheRoute() {
      Decision anonymous = decide(engine, TestAuthzRequest.get("/orders"));
      assertThat(anonymous.allowed()).isFalse();
      assertThat(anonymous.reason()).isEqualTo("no ALLOW policy matches (1 target this request)");
      assertThat(decide(engine, TestAuthzRequest.get("/orders").jwt("mallory", Map.of()))
          .allowed()).isFalse();
    }
  }

  @Nested
  class From {

    @Test
    void requestPrincipalsAndTheirNegation() {
      AuthorizationEngine engine = engine(policy("p", """
          rules:
            - from:
                - source:
                    requestPrincipals: ["https://issuer.test/*"]
                    notRequestPrincipals: ["https://issuer.test/mallory"]
          """));
      assertThat(decide(engine, TestAuthzRequest.get("/").jwt("alice", Map.of())).allowed())
          .isTrue();
      assertThat(decide(engine, TestAuthzRequest.get("/").jwt("mallory", Map.of())).allowed())
          .isFalse();
      assertThat(decide(engine, TestAuthzRequest.get("/")).allowed()).as("anonymous").isFalse();
    }

    @Test
    void meshPrincipalsAndNamespaces() {
      AuthorizationEngine engine = engine(policy("p", """
          rules:
            - from:
                - source:
                    namespaces: [shop]
                    notPrincipals: ["*/sa/untrusted"]
          """));
      assertThat(decide(engine, TestAuthzRequest.get("/")
          .mesh("spiffe://cluster.local/ns/shop/sa/web", "shop")).allowed()).isTrue();
      assertThat(decide(engine, TestAuthzRequest.get("/")
          .mesh("spiffe://cluster.local/ns/shop/sa/untrusted", "shop")).allowed()).isFalse();
      assertThat(decide(engine, TestAuthzRequest.get("/")
          .mesh("spiffe://cluster.local/ns/other/sa/web", "other")).allowed()).isFalse();
    }

    @Test
    void ipBlocksAsCidrsForBothFamilies() {
      AuthorizationEngine engine = engine(policy("p", """
          rules:
            - from:
                - source:
                    ipBlocks: [10.0.0.0/8, "2001:db8::/32"]
                    notIpBlocks: [10.9.0.0/16]
          """));
      assertThat(decide(engine, TestAuthzRequest.get("/").from("10.1.2.3")).allowed()).isTrue();
      assertThat(decide(engine, TestAuthzRequest.get("/").from("2001:db8::1")).allowed()).isTrue();
      assertThat(decide(engine, TestAuthzRequest.get("/").from("10.9.0.1")).allowed()).isFalse();
      assertThat(decide(engine, TestAuthzRequest.get("/").from("11.0.0.1")).allowed()).isFalse();
    }
  }

  @Nested
  class To {

    private final AuthorizationEngine engine = engine(policy("p", """
        rules:
          - to:
              - operation:
                  hosts: ["*.example.com"]
                  notHosts: [internal.example.com]
                  ports: [8080]
                  methods: [GET, POST]
                  notMethods: [POST]
                  paths: [/api/*, "*.json"]
                  notPaths: [/api/admin/*]
        """));

    @Test
    void everyFieldMustHold() {
      assertThat(decide(engine, TestAuthzRequest.get("/api/orders")).allowed()).isTrue();
      assertThat(decide(engine, TestAuthzRequest.get("/report.json")).allowed()).isTrue();
    }

    @Test
    void eachFieldAndItsNegationCanRefuse() {
      assertThat(decide(engine, TestAuthzRequest.get("/api/x").host("internal.example.com"))
          .allowed()).as("notHosts").isFalse();
      assertThat(decide(engine, TestAuthzRequest.get("/api/x").host("shop.test"))
          .allowed()).as("hosts").isFalse();
      assertThat(decide(engine, TestAuthzRequest.get("/api/x").port(9090))
          .allowed()).as("ports").isFalse();
      assertThat(decide(engine, TestAuthzRequest.get("/api/x").method("POST"))
          .allowed()).as("notMethods").isFalse();
      assertThat(decide(engine, TestAuthzRequest.get("/api/x").method("DELETE"))
          .allowed()).as("methods").isFalse();
      assertThat(decide(engine, TestAuthzRequest.get("/api/admin/users"))
          .allowed()).as("notPaths").isFalse();
      assertThat(decide(engine, TestAuthzRequest.get("/other"))
          .allowed()).as("paths").isFalse();
    }
  }

  @Nested
  class When {

    @Test
    void headerValuesWithWildcardsAndRefusedValues() {
      AuthorizationEngine engine = engine(policy("p", """
          rules:
            - when:
                - key: request.headers[x-tenant]
                  values: ["acme-*"]
                  notValues: [acme-blocked]
          """));
      assertThat(decide(engine, TestAuthzRequest.get("/").header("x-tenant", "acme-eu"))
          .allowed()).isTrue();
      assertThat(decide(engine, TestAuthzRequest.get("/").header("x-tenant", "acme-blocked"))
          .allowed()).isFalse();
      assertThat(decide(engine, TestAuthzRequest.get("/")).allowed()).isFalse();
    }

    @Test
    void claimsSourceIpAndDestinationPort() {
      AuthorizationEngine engine = engine(policy("p", """
          rules:
            - when:
                - {key: "request.auth.claims[groups]", values: [admins]}
                - {key: source.ip, values: [192.0.2.0/24]}
                - {key: destination.port, values: ["8080"]}
          """));
      TestAuthzRequest admin = TestAuthzRequest.get("/").jwt("alice",
          Map.of("groups", List.of("staff", "admins")));
      assertThat(decide(engine, admin).allowed()).isTrue();
      assertThat(decide(engine, admin.from("198.51.100.1")).allowed()).isFalse();
      assertThat(decide(engine, TestAuthzRequest.get("/").jwt("bob",
          Map.of("groups", List.of("staff")))).allowed()).isFalse();
    }
  }

  @Nested
  class Cel {

    private boolean allows(String condition, TestAuthzRequest request) {
      AuthorizationEngine engine = engine(policy("p", """
          rules: [{}]
          condition: %s
          """.formatted("'" + condition.replace("'", "''") + "'")));
      return decide(engine, request).allowed();
    }

    @Test
    void overRequestMethodPathAndHost() {
      String condition = "request.method == 'GET' && request.path.startsWith('/api')"
          + " && request.host.endsWith('.example.com')";
      assertThat(allows(condition, TestAuthzRequest.get("/api/x"))).isTrue();
      assertThat(allows(condition, TestAuthzRequest.get("/api/x").method("PUT"))).isFalse();
      assertThat(allows(condition, TestAuthzRequest.get("/web"))).isFalse();
    }

    @Test
    void overHeadersAndQuery() {
      String condition = "'x-tenant' in request.headers && request.headers['x-tenant'] == 'acme'"
          + " && request.query['debug'] != 'true'";
      assertThat(allows(condition, TestAuthzRequest.get("/").header("x-tenant", "acme")
          .query("debug", "false"))).isTrue();
      assertThat(allows(condition, TestAuthzRequest.get("/").header("x-tenant", "acme")
          .query("debug", "true"))).isFalse();
    }

    @Test
    void overSourceAddressAndPrincipal() {
      String condition = "source.address.startsWith('192.0.2.')"
          + " && source.principal.endsWith('/sa/web')";
      assertThat(allows(condition, TestAuthzRequest.get("/")
          .mesh("spiffe://cluster.local/ns/shop/sa/web", "shop"))).isTrue();
      assertThat(allows(condition, TestAuthzRequest.get("/"))).as("no principal").isFalse();
    }

    @Test
    void overJwtClaims() {
      String condition = "'admins' in jwt.claims['groups'] && jwt.claims['sub'] == 'alice'";
      assertThat(allows(condition, TestAuthzRequest.get("/").jwt("alice",
          Map.of("groups", List.of("admins"))))).isTrue();
      assertThat(allows(condition, TestAuthzRequest.get("/").jwt("alice",
          Map.of("groups", List.of("staff"))))).isFalse();
    }

    @Test
    void overNow() {
      assertThat(allows("now < timestamp('2027-01-01T00:00:00Z')", TestAuthzRequest.get("/")))
          .isTrue();
      assertThat(allows("now > timestamp('2027-01-01T00:00:00Z')", TestAuthzRequest.get("/")))
          .isFalse();
    }

    @Test
    void headersAndQueryAreBuiltOnlyWhenAConditionReadsThem() {
      TestAuthzRequest request = TestAuthzRequest.get("/api").header("x-tenant", "acme")
          .query("debug", "true");
      assertThat(allows("request.method == 'GET' && jwt.claims.size() == 0", request)).isTrue();
      assertThat(request.headerMapsRead).as("header map built").isZero();
      assertThat(request.queryMapsRead).as("query map built").isZero();

      AuthorizationEngine two = engine(policy("tenant", """
          rules: [{}]
          condition: "request.headers['x-tenant'] == 'acme'"
          """) + "---\n" + policy("tenant-again", """
          action: DENY
          rules: [{}]
          condition: "request.headers['x-tenant'] == 'evil' || request.query['debug'] == 'no'"
          """));
      TestAuthzRequest other = TestAuthzRequest.get("/").header("X-Tenant", "acme")
          .query("debug", "true");
      assertThat(decide(two, other).allowed()).as("a lazily built header is still seen")
          .isTrue();
      assertThat(other.headerMapsRead).as("one header map for both conditions").isEqualTo(1);
      assertThat(other.queryMapsRead).isEqualTo(1);
      assertThat(decide(two, TestAuthzRequest.get("/").header("x-tenant", "evil")).allowed())
          .isFalse();
    }

    @Test
    void wholeHeaderAndQueryMapsCanBeCountedAndCompared() {
      String condition = "size(request.headers) == 2 && request.headers['x-b'] == 'b'"
          + " && request.query == {'page': '2'} && !('x-c' in request.headers)";
      assertThat(allows(condition, TestAuthzRequest.get("/").header("x-a", "a")
          .header("x-b", "b").query("page", "2"))).isTrue();
      assertThat(allows(condition, TestAuthzRequest.get("/").header("x-a", "a")
          .header("x-b", "b").query("page", "3"))).isFalse();
      assertThat(allows(condition, TestAuthzRequest.get("/").header("x-a", "a")
          .header("x-b", "b").header("x-c", "c").query("page", "2"))).isFalse();
    }

    @Test
    void anEvaluationErrorNeverOpensADoor() {
      String missingKey = "request.headers['x-missing'] == 'yes'";
      assertThat(allows(missingKey, TestAuthzRequest.get("/"))).as("ALLOW fails closed").isFalse();
      AuthorizationEngine deny = engine(policy("p", """
          action: DENY
          rules: [{}]
          condition: "request.headers['x-missing'] == 'no'"
          """));
      Decision decision = decide(deny, TestAuthzRequest.get("/"));
      assertThat(decision.allowed()).as("DENY fails closed").isFalse();
      assertThat(decision.reason()).contains("condition failed: AuthorizationPolicy default/p");
    }
  }

  @Nested
  class OrderAndDefaults {

    @Test
    void noPolicyOnTheTargetMeansAllowedAndNoFilter() {
      AuthorizationEngine engine = compiler(policy("p", "rules: [{}]").replace("name: api}]",
          "name: other}]")).engineFor(API);
      assertThat(engine.isEmpty()).isTrue();
      assertThat(decide(engine, TestAuthzRequest.get("/")).allowed()).isTrue();
    }

    @Test
    void denyIsEvaluatedBeforeAllow() {
      AuthorizationEngine engine = engine(policy("allow-all", "rules: [{}]") + "---\n"
          + policy("deny-admin", """
              action: DENY
              rules:
                - to: [{operation: {paths: [/admin/*]}}]
              """));
      Decision decision = decide(engine, TestAuthzRequest.get("/admin/users"));
      assertThat(decision.allowed()).isFalse();
      assertThat(decision.policy()).isEqualTo("AuthorizationPolicy default/deny-admin");
      assertThat(decision.summary()).isEqualTo(
          "deny by AuthorizationPolicy default/deny-admin rule 0");
      assertThat(decide(engine, TestAuthzRequest.get("/shop")).policy())
          .isEqualTo("AuthorizationPolicy default/allow-all");
    }

    @Test
    void onlyDenyPoliciesLeaveTheRestAllowed() {
      AuthorizationEngine engine = engine(policy("deny-admin", """
          action: DENY
          rules:
            - to: [{operation: {paths: [/admin/*]}}]
          """));
      Decision decision = decide(engine, TestAuthzRequest.get("/shop"));
      assertThat(decision.allowed()).isTrue();
      assertThat(decision.reason()).isEqualTo("no ALLOW policy targets this request");
    }

    @Test
    void anAllowPolicyWithNoRulesAllowsNothing() {
      assertThat(decide(engine(policy("allow-nothing", "action: ALLOW")),
          TestAuthzRequest.get("/")).allowed()).isFalse();
    }

    @Test
    void defaultDenyDeniesWhatNoAllowPolicyAllows() {
      AuthorizationEngine engine = engine(policy("lockdown", """
          action: DENY
          defaultDeny: true
          rules:
            - to: [{operation: {paths: [/never]}}]
          """));
      Decision decision = decide(engine, TestAuthzRequest.get("/shop"));
      assertThat(decision.allowed()).isFalse();
      assertThat(decision.reason()).isEqualTo(
          "the target is default-deny and no ALLOW policy matches");
    }

    @Test
    void targetsResolveByGatewayListenerRouteAndService() {
      String byGateway = policy("g", "rules: [{}]").replace("{kind: HTTPRoute, name: api}",
          "{kind: Gateway, name: edge, sectionName: http}");
      assertThat(compiler(byGateway).engineFor(API).isEmpty()).isFalse();
      String otherListener = byGateway.replace("sectionName: http", "sectionName: admin");
      assertThat(compiler(otherListener).engineFor(API).isEmpty()).isTrue();
      String byService = policy("s", "rules: [{}]").replace("{kind: HTTPRoute, name: api}",
          "{kind: Service, name: api}");
      assertThat(compiler(byService).engineFor(API).isEmpty()).isFalse();
      assertThat(compiler(byService).engineFor(PolicyTarget.service("default", "api")).isEmpty())
          .as("a sidecar's inbound Service").isFalse();
    }
  }

  @Nested
  class AuditAndDryRun {

    @Test
    void aDecisionWithNothingRequestSpecificIsBuiltOnceWithTheSameWords() {
      AuthorizationEngine engine = engine(policy("no-delete", """
          action: DENY
          rules:
            - to: [{operation: {methods: [GET]}}]
            - to: [{operation: {methods: [DELETE]}}]
          """) + "---\n" + policy("readers", """
          rules:
            - to: [{operation: {methods: [GET, DELETE]}}]
          """));
      Decision denied = decide(engine, TestAuthzRequest.get("/x").method("DELETE"));
      assertThat(denied.allowed()).isFalse();
      assertThat(denied.reason()).isEqualTo("denied by AuthorizationPolicy default/no-delete rule 1");
      assertThat(denied.summary()).isEqualTo("deny by AuthorizationPolicy default/no-delete rule 1");
      assertThat(decide(engine, TestAuthzRequest.get("/y").method("DELETE"))).isSameAs(denied);
      Decision refused = decide(engine, TestAuthzRequest.get("/x").method("PUT"));
      assertThat(refused.summary())
          .isEqualTo("deny (no ALLOW policy matches (1 target this request))");
      assertThat(decide(engine, TestAuthzRequest.get("/z").method("PUT"))).isSameAs(refused);
    }

    @Test
    void auditRecordsWithoutChangingTheOutcome() {
      AuthorizationEngine engine = engine(policy("watch-admin", """
          action: AUDIT
          rules:
            - to: [{operation: {paths: [/admin/*]}}]
          """));
      Decision decision = decide(engine, TestAuthzRequest.get("/admin/x"));
      assertThat(decision.allowed()).isTrue();
      assertThat(decision.audits()).containsExactly("AuthorizationPolicy default/watch-admin rule 0");
      assertThat(decide(engine, TestAuthzRequest.get("/shop")).audits()).isEmpty();
    }

    @Test
    void aDryRunDenyRecordsWhatItWouldDoAndAllows() {
      AuthorizationEngine engine = engine(policy("maybe-deny", """
          action: DENY
          dryRun: true
          rules:
            - to: [{operation: {methods: [DELETE]}}]
          """));
      Decision decision = decide(engine, TestAuthzRequest.get("/x").method("DELETE"));
      assertThat(decision.allowed()).isTrue();
      assertThat(decision.dryRun()).isEqualTo(
          "deny by AuthorizationPolicy default/maybe-deny rule 0");
    }

    @Test
    void aDryRunAllowShowsTheDenialsItWouldCause() {
      AuthorizationEngine engine = engine(policy("maybe-allow", """
          dryRun: true
          rules:
            - from: [{source: {requestPrincipals: ["*"]}}]
          """));
      Decision decision = decide(engine, TestAuthzRequest.get("/"));
      assertThat(decision.allowed()).isTrue();
      assertThat(decision.dryRun()).startsWith("deny (no ALLOW policy matches");
      assertThat(decide(engine, TestAuthzRequest.get("/").jwt("alice", Map.of())).dryRun())
          .isEqualTo("allow by AuthorizationPolicy default/maybe-allow rule 0");
    }
  }
}
