package dev.crossgate.policy.codec;

import static dev.crossgate.policy.codec.PolicyTexts.problemsOf;
import static dev.crossgate.policy.codec.PolicyTexts.problemsWithGateway;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BindingProblemsTest {

  static final String KINDS =
      "Gateway, HTTPRoute, GRPCRoute, TCPRoute, Service, RequestAuthentication, Role,"
          + " RoleBinding, AuthorizationPolicy, RateLimitPolicy, WafPolicy, MeshMigration";

  @Test
  void unknownKindListsKnownKindsWithHint() {
    String yaml =
        """
        apiVersion: crossgate.dev/v1alpha1
        kind: HttpRoute
        metadata:
          name: users
          namespace: shop
        """;
    assertThat(problemsOf(yaml))
        .containsExactly(
            "routes.yaml:2: HttpRoute shop/users: kind: HttpRoute (expected: one of "
                + KINDS
                + "; did you mean `HTTPRoute`?)");
  }

  @Test
  void missingKind() {
    assertThat(problemsOf("apiVersion: crossgate.dev/v1alpha1\nmetadata:\n  name: x\n"))
        .containsExactly(
            "routes.yaml:1: kind: missing (expected: one of " + KINDS + ")");
  }

  @Test
  void unknownFieldSuggestsTheCloseOne() {
    String yaml =
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: users
          namespace: shop
        spec:
          rules:
            - matchs:
                - path:
                    value: /users
              backendRefs:
                - name: users
        """;
    assertThat(problemsWithGateway(yaml))
        .containsExactly(
            "routes.yaml:8: HTTPRoute shop/users: spec.rules[0].matchs: unknown field (did you"
                + " mean `matches`?)");
  }

  @Test
  void unknownFieldFarFromAnyListsKnownFields() {
    String yaml =
        """
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata:
          name: users
          namespace: shop
        spec:
          endpoints:
            - address: 127.0.0.1
              port: 9001
          probes: {}
        """;
    assertThat(problemsOf(yaml))
        .containsExactly(
            "routes.yaml:10: Service shop/users: spec.probes: unknown field (expected: one of"
                + " endpoints, loadBalancer, protocol, healthCheck, outlierDetection,"
                + " connectionPool, circuitBreaker, timeouts, retryBudget, tls, meshPort)");
  }

  @Test
  void wrongTypesNameTheExpectedType() {
    String yaml =
        """
        apiVersion: crossgate.dev/v1alpha1
        kind: Gateway
        metadata:
          name: edge
          namespace: shop
        spec:
          listeners:
            name: http
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata:
          name: users
          namespace: shop
        spec:
          endpoints:
            - address: [127.0.0.1]
              port: "9001"
        """;
    assertThat(problemsOf(yaml))
        .containsExactly(
            "routes.yaml:7: Gateway shop/edge: spec.listeners: a mapping (expected: a list)",
            "routes.yaml:17: Service shop/users: spec.endpoints[0].address: a list (expected: a"
                + " string)",
            "routes.yaml:18: Service shop/users: spec.endpoints[0].port: \"9001\" (expected: an"
                + " integer)");
  }

  @Test
  void unquotedNumberWhereAStringIsExpectedSuggestsQuotes() {
    String yaml =
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: users
          namespace: shop
        spec:
          rules:
            - matches:
                - headers:
                    - name: x-version
                      value: 2
              backendRefs:
                - name: users
        """;
    assertThat(problemsWithGateway(yaml))
        .containsExactly(
            "routes.yaml:11: HTTPRoute shop/users: spec.rules[0].matches[0].headers[0].value: 2"
                + " (expected: a string; put the value in quotes)");
  }

  @Test
  void apiVersionMustFitTheKind() {
    String yaml =
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Service
        metadata:
          name: users
          namespace: shop
        spec:
          endpoints:
            - address: 127.0.0.1
              port: 9001
        ---
        kind: Gateway
        metadata:
          name: edge
          namespace: shop
        spec:
          listeners:
            - name: http
              port: 8080
              protocol: HTTP
        """;
    assertThat(problemsOf(yaml))
        .containsExactly(
            "routes.yaml:1: Service shop/users: apiVersion: gateway.networking.k8s.io/v1"
                + " (expected: crossgate.dev/v1alpha1 for Service)",
            "routes.yaml:11: Gateway shop/edge: apiVersion: missing (expected:"
                + " crossgate.dev/v1alpha1 or gateway.networking.k8s.io/v1 or"
                + " gateway.networking.k8s.io/v1beta1 for Gateway)");
  }

  @Test
  void metadataNameAndNamespaceAreDnsNames() {
    String yaml =
        """
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata:
          name: Users_Service
          namespace: shop.eu
        spec:
          endpoints:
            - address: 127.0.0.1
              port: 9001
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata:
          namespace: shop
        spec:
          endpoints:
            - address: 127.0.0.1
              port: 9001
        """;
    assertThat(problemsOf(yaml))
        .containsExactly(
            "routes.yaml:4: Service shop.eu/Users_Service: metadata.name: Users_Service (expected:"
                + " a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', at most 253"
                + " characters, starting and ending with a letter or digit)",
            "routes.yaml:5: Service shop.eu/Users_Service: metadata.namespace: shop.eu (expected:"
                + " a DNS-1123 label: lowercase letters, digits and '-', at most 63 characters,"
                + " starting and ending with a letter or digit)",
            "routes.yaml:13: Service: metadata.name: missing (expected: a DNS-1123 subdomain:"
                + " lowercase letters, digits, '-' and '.', at most 253 characters, starting and"
                + " ending with a letter or digit)");
  }

  @Test
  void duplicateResourcesNameBothLocations() {
    String yaml =
        """
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata:
          name: users
          namespace: shop
        spec:
          endpoints:
            - address: 127.0.0.1
              port: 9009
        """;
    assertThat(problemsWithGateway(yaml))
        .containsExactly(
            "routes.yaml:25: Service shop/users: metadata.name: duplicate Service shop/users"
                + " (expected: a unique name per kind and namespace; first defined at"
                + " routes.yaml:4)");
  }

  @Test
  void fieldWithWrongTypeIsNotAlsoReportedAsMissing() {
    String yaml =
        """
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata:
          name: users
          namespace: shop
        spec:
          endpoints:
            - address: 127.0.0.1
              port: 90.5
        """;
    assertThat(problemsOf(yaml))
        .containsExactly(
            "routes.yaml:9: Service shop/users: spec.endpoints[0].port: 90.5 (expected: an"
                + " integer)");
  }

  @Test
  void invalidTimestamp() {
    String yaml =
        """
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata:
          name: users
          creationTimestamp: yesterday
        spec:
          endpoints:
            - address: 127.0.0.1
              port: 9001
        """;
    assertThat(problemsOf(yaml))
        .containsExactly(
            "routes.yaml:5: Service default/users: metadata.creationTimestamp: \"yesterday\""
                + " (expected: an RFC 3339 timestamp like 2024-05-01T12:00:00Z)");
  }
}
