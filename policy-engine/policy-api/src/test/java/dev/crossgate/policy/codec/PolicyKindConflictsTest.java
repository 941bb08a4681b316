package dev.crossgate.policy.codec;

import static dev.crossgate.policy.codec.PolicyTexts.GATEWAY_AND_SERVICES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.model.GatewayDuration;
import dev.crossgate.policy.model.MeshMigration;
import dev.crossgate.policy.model.MeshMigration.AuthorizationMode;
import dev.crossgate.policy.model.MeshMigration.MtlsMode;
import dev.crossgate.policy.model.ObjectMeta;
import dev.crossgate.policy.validation.ValidationOptions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyKindConflictsTest {

  private static final ValidationOptions ALL_LISTENERS =
      ValidationOptions.DEFAULTS.withListenerProtocols("HTTP", "HTTPS", "TCP");

  private static List<String> problems(String yaml, ValidationOptions options) {
    return PolicyLoader.loadString("routes.yaml", yaml + GATEWAY_AND_SERVICES, options)
        .problems().stream().map(ConfigProblem::toString).toList();
  }

  @Test
  void grpcRoutesMatchingTheSameCallsConflict() {
    String yaml =
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: a, namespace: shop}
        spec:
          rules:
            - matches:
                - method: {service: shop.v1.Users, method: Get}
              backendRefs: [{name: users}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: b, namespace: shop}
        spec:
          rules:
            - matches:
                - method: {type: Exact, service: shop.v1.Users, method: Get}
              backendRefs: [{name: orders}]
            - matches:
                - method: {service: shop.v1.Users, method: Get}
                  headers: [{name: x-canary, value: "1"}]
              backendRefs: [{name: orders}]
        """;
    assertThat(problems(yaml, ValidationOptions.DEFAULTS))
        .containsExactly(
            "routes.yaml:16: GRPCRoute shop/b: spec.rules[0].matches[0]: conflicts with GRPCRoute"
                + " shop/a spec.rules[0].matches[0] (routes.yaml:7): both match shop.v1.Users/Get"
                + " for host * (expected: matches that differ in hostname, service, method or"
                + " headers on the same gateway)");
  }

  @Test
  void tlsAndTcpListenersWhenEnabled() {
    String yaml =
        """
        apiVersion: crossgate.dev/v1alpha1
        kind: Gateway
        metadata: {name: tls, namespace: shop}
        spec:
          listeners:
            - name: https
              port: 8443
              protocol: HTTPS
              tls:
                mode: Passthrough
                minVersion: "1.1"
                certificateRefs: []
            - name: ok
              port: 8444
              protocol: HTTPS
              tls: {certificateRefs: [{name: shop-cert, certificateFile: c.pem, keyFile: k.pem}], minVersion: "1.3"}
            - name: plain
              port: 8081
              protocol: HTTP
              tls: {certificateRefs: [{name: x}]}
            - name: bare
              port: 8445
              protocol: HTTPS
            - name: db
              port: 5432
              protocol: TCP
        ---
        apiVersion: gateway.networking.k8s.io/v1alpha2
        kind: TCPRoute
        metadata: {name: db, namespace: shop}
        spec:
          parentRefs: [{name: tls, sectionName: db}]
          rules: [{backendRefs: [{name: users}]}]
        ---
        apiVersion: gateway.networking.k8s.io/v1alpha2
        kind: TCPRoute
        metadata: {name: db-again, namespace: shop}
        spec:
          parentRefs: [{name: tls}]
          rules: [{backendRefs: [{name: orders}]}]
        ---
        apiVersion: gateway.networking.k8s.io/v1alpha2
        kind: TCPRoute
        metadata: {name: no-tcp, namespace: shop}
        spec:
          parentRefs: [{name: edge}]
          rules: [{backendRefs: [{name: orders}]}]
        """;
    assertThat(problems(yaml, ALL_LISTENERS))
        .containsExactly(
            "routes.yaml:10: Gateway shop/tls: spec.listeners[0].tls.mode: Passthrough (expected:"
                + " one of Terminate)",
            "routes.yaml:11: Gateway shop/tls: spec.listeners[0].tls.minVersion: 1.1 (expected:"
                + " one of 1.2, 1.3; did you mean `1.2`?)",
            "routes.yaml:12: Gateway shop/tls: spec.listeners[0].tls.certificateRefs: []"
                + " (expected: at least one certificate)",
            "routes.yaml:20: Gateway shop/tls: spec.listeners[2].tls: set (expected: only for"
                + " protocol HTTPS, but protocol is HTTP)",
            "routes.yaml:21: Gateway shop/tls: spec.listeners[3].tls: missing (expected: a tls"
                + " mapping with certificateRefs for protocol HTTPS)",
            "routes.yaml:39: TCPRoute shop/db-again: spec.parentRefs: conflicts with TCPRoute"
                + " shop/db (routes.yaml:32): both attach to listener shop/tls#db (expected: one"
                + " TCPRoute per TCP listener)",
            "routes.yaml:46: TCPRoute shop/no-tcp: spec.parentRefs[0].name: edge (expected: a"
                + " Gateway with a TCP listener for TCPRoute; shop/edge has none)");
  }

  @Test
  void meshMigrationDerivesModesFromTheStage() {
    assertThat(migration("off", null).mtlsMode()).isEqualTo(MtlsMode.DISABLED);
    assertThat(migration("off", null).authorizationMode()).isEqualTo(AuthorizationMode.OFF);
    assertThat(migration("off", null).effectiveMeshWeight()).isZero();
    assertThat(migration("observe", null).mtlsMode()).isEqualTo(MtlsMode.PERMISSIVE);
    assertThat(migration("observe", null).authorizationMode()).isEqualTo(AuthorizationMode.AUDIT);
    assertThat(migration("permissive", 25).authorizationMode()).isEqualTo(AuthorizationMode.AUDIT);
    assertThat(migration("permissive", 25).effectiveMeshWeight()).isEqualTo(25);
    assertThat(migration("permissive", null).effectiveMeshWeight()).isEqualTo(100);
    assertThat(migration("enforce", null).authorizationMode()).isEqualTo(AuthorizationMode.ENFORCE);
    assertThat(migration("enforce", null).mtlsMode()).isEqualTo(MtlsMode.PERMISSIVE);
    assertThat(migration("strict", null).mtlsMode()).isEqualTo(MtlsMode.STRICT);
    assertThat(migration(null, null).stage()).contains(MeshMigration.Stage.off);
    assertThat(migration("later", null).stage()).isEmpty();
  }

  private static MeshMigration migration(String stage, Integer weight) {
    return new MeshMigration(
        "crossgate.dev/v1alpha1",
        ObjectMeta.of("shop", "users"),
        new MeshMigration.Spec(new MeshMigration.ServiceRef("users", null), stage, weight));
  }

  @Test
  void gatewayDurationsParseOnceAndKeepTheirText() {
    assertThat(GatewayDuration.of("1m30s").duration()).isEqualTo(Duration.ofSeconds(90));
    assertThat(GatewayDuration.of("500ms").toMillis()).isEqualTo(500);
    assertThat(GatewayDuration.of("1h").duration()).isEqualTo(Duration.ofHours(1));
    assertThat(GatewayDuration.of("0010s").text()).isEqualTo("0010s");
    assertThat(GatewayDuration.parse("10")).isEmpty();
    assertThat(GatewayDuration.parse("1.5s")).isEmpty();
    assertThat(GatewayDuration.parse("123456s")).isEmpty();
    assertThat(GatewayDuration.parse("1h1m1s1ms1h")).isEmpty();
    assertThat(GatewayDuration.parse("-1s")).isEmpty();
  }
}
