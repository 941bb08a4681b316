package dev.crossgate.routing.authz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.codec.LoadResult;
import dev.crossgate.policy.codec.PolicyLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Where a policy is enforced: a Service-targeted policy at the gateway only while the Service is
 * outside the mesh (no MeshMigration, or stage off); from observe on at the Service's own
 * inbound. Gateway-, listener- and route-targeted policies are always the gateway's.
 */
class GatewayEnforcementTest {

  /** A route of the Gateway {@code edge} that sends to the Service {@code api}. */
  private static final PolicyTarget ROUTE = new PolicyTarget("HTTPRoute", "default", "api",
      "default/edge", Set.of("http"), Set.of("default/api"));

  private static final String ALLOW_PRODUCTPAGE_ON_SERVICE = """
      apiVersion: crossgate.dev/v1alpha1
      kind: AuthorizationPolicy
      metadata: {name: api-callers, namespace: default}
      spec:
        targetRefs: [{kind: Service, name: api}]
        action: ALLOW
        rules:
          - from: [{source: {principals: [spiffe://crossgate.local/ns/default/sa/productpage]}}]
      """;

  private static String migration(String stage) {
    return """
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: MeshMigration
        metadata: {name: api, namespace: default}
        spec:
          service: {name: api}
          stage: %s
        """.formatted(stage);
  }

  private static boolean atGateway(String policies) {
    return !AuthorizationEngineTest.compiler(policies).engineAtGateway(ROUTE).isEmpty();
  }

  @Test
  void aServiceWithoutMeshMigrationHasItsPoliciesEnforcedAtTheGateway() {
    assertThat(atGateway(ALLOW_PRODUCTPAGE_ON_SERVICE)).isTrue();
    Decision decision = AuthorizationEngineTest.decide(AuthorizationEngineTest
        .compiler(ALLOW_PRODUCTPAGE_ON_SERVICE).engineAtGateway(ROUTE),
        TestAuthzRequest.get("/"));
    assertThat(decision.allowed()).as("an external client has no mesh principal").isFalse();
  }

  @Test
  void aServiceAtStageOffHasItsPoliciesEnforcedAtTheGateway() {
    assertThat(atGateway(ALLOW_PRODUCTPAGE_ON_SERVICE + migration("off"))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"observe", "permissive", "enforce", "strict"})
  void aServiceInTheMeshEnforcesItsOwnPoliciesNotTheGateway(String stage) {
    AuthorizationCompiler compiler = AuthorizationEngineTest.compiler(
        ALLOW_PRODUCTPAGE_ON_SERVICE + migration(stage));
    assertThat(compiler.engineAtGateway(ROUTE).isEmpty()).as("at the gateway").isTrue();
    assertThat(AuthorizationEngineTest.decide(compiler.engineAtGateway(ROUTE),
        TestAuthzRequest.get("/")).allowed()).isTrue();
    assertThat(compiler.engineFor(PolicyTarget.service("default", "api")).isEmpty())
        .as("at the service's inbound").isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"off", "observe", "strict"})
  void gatewayListenerAndRoutePoliciesAreAlwaysTheGateways(String stage) {
    String byRoute = ALLOW_PRODUCTPAGE_ON_SERVICE.replace("{kind: Service, name: api}",
        "{kind: HTTPRoute, name: api}");
    String byGateway = ALLOW_PRODUCTPAGE_ON_SERVICE.replace("{kind: Service, name: api}",
        "{kind: Gateway, name: edge}");
    String byListener = ALLOW_PRODUCTPAGE_ON_SERVICE.replace("{kind: Service, name: api}",
        "{kind: Gateway, name: edge, sectionName: http}");
    assertThat(atGateway(byRoute + migration(stage))).as("HTTPRoute").isTrue();
    assertThat(atGateway(byGateway + migration(stage))).as("Gateway").isTrue();
    assertThat(atGateway(byListener + migration(stage))).as("listener").isTrue();
  }

  @Test
  void aPolicyNamingAMeshedAndAnOutsideServiceStillAppliesForTheOutsideOne() {
    String both = ALLOW_PRODUCTPAGE_ON_SERVICE.replace("[{kind: Service, name: api}]",
        "[{kind: Service, name: api}, {kind: Service, name: legacy}]");
    PolicyTarget split = new PolicyTarget("HTTPRoute", "default", "api", "default/edge",
        Set.of("http"), Set.of("default/api", "default/legacy"));
    AuthorizationCompiler compiler = AuthorizationEngineTest.compiler(both
        + "---\n" + """
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: legacy, namespace: default}
        spec:
          endpoints: [{address: 127.0.0.1, port: 9002}]
        """ + migration("enforce"));
    assertThat(compiler.engineAtGateway(split).isEmpty()).isFalse();
    assertThat(compiler.engineAtGateway(ROUTE).isEmpty()).isTrue();
  }

  @Test
  void aStageSwitchInANewSnapshotMovesTheEnforcementPoint() {
    assertThat(atGateway(ALLOW_PRODUCTPAGE_ON_SERVICE + migration("off"))).isTrue();
    assertThat(atGateway(ALLOW_PRODUCTPAGE_ON_SERVICE + migration("observe"))).isFalse();
    assertThat(atGateway(ALLOW_PRODUCTPAGE_ON_SERVICE + migration("off")))
        .as("rolled back").isTrue();
  }

  @Test
  void aMigrationOfAnotherServiceChangesNothing() {
    String other = migration("strict").replace("service: {name: api}",
        "service: {name: legacy}") + "---\n" + """
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: legacy, namespace: default}
        spec:
          endpoints: [{address: 127.0.0.1, port: 9002}]
        """;
    assertThat(atGateway(ALLOW_PRODUCTPAGE_ON_SERVICE + other)).isTrue();
  }

  @Test
  void theConfigExamplesMeanWhatTheirCommentsSay() throws Exception {
    AuthorizationCompiler mesh = example("mesh-authorization.yaml");
    PolicyTarget toReviews = new PolicyTarget("HTTPRoute", "shop", "reviews", "shop/edge",
        Set.of("http"), Set.of("shop/reviews"));
    assertThat(mesh.engineAtGateway(toReviews).isEmpty())
        .as("reviews is at observe: its sidecar enforces its policies").isTrue();
    assertThat(mesh.engineFor(PolicyTarget.service("shop", "reviews")).isEmpty()).isFalse();
    AuthorizationCompiler abac = example("authorization-policy.yaml");
    PolicyTarget toOrders = new PolicyTarget("HTTPRoute", "default", "elsewhere", "default/edge",
        Set.of(), Set.of("default/orders"));
    assertThat(abac.engineAtGateway(toOrders).isEmpty())
        .as("orders has no MeshMigration: the gateway enforces its policies").isFalse();
  }

  private static AuthorizationCompiler example(String file) throws Exception {
    Path path = Path.of("..", "config-examples", file);
    LoadResult result = PolicyLoader.loadString(file, Files.readString(path));
    assertThat(result.problems()).isEmpty();
    return new AuthorizationCompiler(result.bundle());
  }
}
