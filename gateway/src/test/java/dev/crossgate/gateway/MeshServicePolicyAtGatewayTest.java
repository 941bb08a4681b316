package dev.crossgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.testkit.BackendExtension;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A principal-only ALLOW policy on a Service, meant for the Service's inbound in the mesh: a real
 * gateway enforces it against its own clients only while the Service is outside the mesh
 * (MeshMigration stage off); once the Service's sidecar is in its inbound path (observe or later)
 * the gateway forwards and leaves the policy to the sidecar. A policy on the Gateway or the
 * route stays the gateway's.
 */
class MeshServicePolicyAtGatewayTest {

  @RegisterExtension static final BackendExtension REVIEWS = new BackendExtension("reviews");

  @TempDir Path dir;
  GatewayFixture gateway;

  private static String config(String stage, String targetRef) {
    return Yaml.GATEWAY + Yaml.service("reviews", REVIEWS.port())
        + Yaml.prefixRoute("reviews", "/", "[{name: reviews}]") + """
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: MeshMigration
        metadata: {name: reviews}
        spec:
          service: {name: reviews}
          stage: %s
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: reviews-callers}
        spec:
          targetRefs: [%s]
          action: ALLOW
          rules:
            - from: [{source: {principals: [spiffe://crossgate.local/ns/default/sa/productpage]}}]
        """.formatted(stage, targetRef);
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void aServiceOutsideTheMeshHasItsPolicyEnforcedAtTheGateway() throws Exception {
    gateway = GatewayFixture.start(dir, config("off", "{kind: Service, name: reviews}"));
    HttpResponse<String> response = get();
    assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
    assertThat(response.headers().firstValue("x-crossgate-error")).hasValue("authz_denied");
  }

  @Test
  void aMeshedServicesPolicyIsNotEnforcedAtTheGateway() throws Exception {
    gateway = GatewayFixture.start(dir, config("observe", "{kind: Service, name: reviews}"));
    HttpResponse<String> response = get();
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("x-crossgate-error")).isEmpty();
    assertThat(REVIEWS.backend().requests()).as("the request reached the service").hasSize(1);
  }

  @Test
  void movingTheServiceIntoTheMeshAndBackMovesTheEnforcementPoint() throws Exception {
    gateway = GatewayFixture.start(dir, config("off", "{kind: Service, name: reviews}"));
    assertThat(get().statusCode()).isEqualTo(403);
    gateway.rewriteConfig(config("observe", "{kind: Service, name: reviews}"));
    untilStatus(200);
    gateway.rewriteConfig(config("off", "{kind: Service, name: reviews}"));
    untilStatus(403);
  }

  @Test
  void aPolicyOnTheGatewayIsStillTheGatewaysForAMeshedService() throws Exception {
    gateway = GatewayFixture.start(dir, config("observe", "{kind: Gateway, name: edge}"));
    HttpResponse<String> response = get();
    assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
    assertThat(response.headers().firstValue("x-crossgate-error")).hasValue("authz_denied");
    assertThat(REVIEWS.backend().requests()).isEmpty();
  }

  @Test
  void aPolicyOnTheRouteIsStillTheGatewaysForAMeshedService() throws Exception {
    gateway = GatewayFixture.start(dir, config("observe",
        "{kind: HTTPRoute, name: reviews}"));
    HttpResponse<String> response = get();
    assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
    assertThat(response.headers().firstValue("x-crossgate-error")).hasValue("authz_denied");
    assertThat(REVIEWS.backend().requests()).isEmpty();
  }

  private void untilStatus(int status) throws Exception {
    Eventually.until("status " + status, () -> get().statusCode() == status);
  }

  private HttpResponse<String> get() throws Exception {
    return gateway.http.send(HttpRequest.newBuilder(gateway.uri("/reviews/1"))
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
