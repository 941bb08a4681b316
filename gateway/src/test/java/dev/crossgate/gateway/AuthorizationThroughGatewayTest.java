package dev.crossgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.testkit.BackendExtension;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * JWT authentication, an RBAC role, an ABAC DENY policy with a CEL condition, an AUDIT policy
 * and a dry-run policy on one route of a real gateway: denials are 403 {@code authz_denied} with
 * the deciding policy and rule in the access log.
 */
class AuthorizationThroughGatewayTest {

  @RegisterExtension static final BackendExtension API = new BackendExtension("api");

  @TempDir static Path dir;
  static GatewayFixture gateway;
  static Tokens tokens;

  @BeforeAll
  static void start() throws Exception {
    tokens = new Tokens();
    String jwks = Tokens.jwks(tokens.rsa).replace("\"", "\\\"");
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
            - matches: [{path: {type: PathPrefix, value: /}}]
              backendRefs: [{name: api}]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: RequestAuthentication
        metadata: {name: jwt}
        spec:
          targetRefs: [{kind: Gateway, name: edge}]
          jwtRules:
            - issuer: %s
              jwks: "%s"
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Role
        metadata: {name: order-reader}
        spec:
          rules: [{methods: [GET], paths: [/orders/*]}]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: RoleBinding
        metadata: {name: staff-reads-orders}
        spec:
          roleRef: {name: order-reader}
          targetRefs: [{kind: HTTPRoute, name: api}]
          subjects: [{kind: Group, name: staff}]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: no-archive-for-guests}
        spec:
          targetRefs: [{kind: Service, name: api}]
          action: DENY
          rules: [{to: [{operation: {paths: [/orders/archive/*]}}]}]
          condition: "!('admins' in jwt.claims['groups'])"
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: audit-orders}
        spec:
          targetRefs: [{kind: HTTPRoute, name: api}]
          action: AUDIT
          rules: [{to: [{operation: {paths: [/orders/*]}}]}]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: maybe-block-debug}
        spec:
          targetRefs: [{kind: HTTPRoute, name: api}]
          action: DENY
          dryRun: true
          rules: [{when: [{key: "request.headers[x-debug]", values: ["*"]}]}]
        """.formatted(API.port(), Tokens.ISSUER, jwks));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static String token(List<String> groups) {
    return "Bearer " + tokens.rs256(Tokens.claims().claim("groups", groups).build());
  }

  @Test
  void aRoleGrantedToTheCallersGroupAllows() throws Exception {
    String id = UUID.randomUUID().toString();
    HttpResponse<String> response = get("/orders/7", id, "authorization",
        token(List.of("staff")));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(logLine(id)).contains(
        "\"authz\":\"allow by RoleBinding default/staff-reads-orders rule 0\"")
        .contains("\"authz_audit\":\"AuthorizationPolicy default/audit-orders rule 0\"");
  }

  @Test
  void anonymousCallersAreDeniedOnceARoleTargetsTheRoute() throws Exception {
    String id = UUID.randomUUID().toString();
    HttpResponse<String> response = get("/orders/7", id);
    assertDenied(response, "no ALLOW policy matches");
    assertThat(logLine(id)).contains("\"error\":\"authz_denied\"")
        .contains("\"authz\":\"deny (no ALLOW policy matches (1 target this request))\"");
  }

  @Test
  void aDenyPolicyWithACelConditionWinsOverTheRole() throws Exception {
    String id = UUID.randomUUID().toString();
    HttpResponse<String> response = get("/orders/archive/2019", id, "authorization",
        token(List.of("staff")));
    assertDenied(response, "denied by AuthorizationPolicy default/no-archive-for-guests rule 0");
    assertThat(logLine(id)).contains(
        "\"authz\":\"deny by AuthorizationPolicy default/no-archive-for-guests rule 0\"");
    assertThat(get("/orders/archive/2019", UUID.randomUUID().toString(), "authorization",
        token(List.of("staff", "admins"))).statusCode()).as("the condition exempts admins")
        .isEqualTo(200);
  }

  @Test
  void aDryRunPolicyIsLoggedButNotEnforced() throws Exception {
    String id = UUID.randomUUID().toString();
    HttpResponse<String> response = get("/orders/1", id, "authorization",
        token(List.of("staff")), "x-debug", "1");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(logLine(id)).contains(
        "\"authz_dry_run\":\"deny by AuthorizationPolicy default/maybe-block-debug rule 0\"");
  }

  @Test
  void aBadTokenIsRejectedBeforeAuthorization() throws Exception {
    HttpResponse<String> response = get("/orders/1", UUID.randomUUID().toString(),
        "authorization", "Bearer not.a.token");
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("x-crossgate-error")).hasValue("authn_failed");
  }

  private static void assertDenied(HttpResponse<String> response, String detail) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
    assertThat(response.headers().firstValue("x-crossgate-error")).hasValue("authz_denied");
    assertThat(response.headers().firstValue("content-type")).hasValue(
        "application/problem+json");
    assertThat(new JsonObject(response.body()).getString("detail")).contains(detail);
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
