package dev.crossgate.policy.codec;

import static dev.crossgate.policy.codec.PolicyTexts.problemsOf;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GatewayAndServiceProblemsTest {

  @Test
  void gatewayListenerRules() {
    String yaml =
        """
        apiVersion: crossgate.dev/v1alpha1
        kind: Gateway
        metadata:
          name: edge
        spec:
          listeners:
            - name: http
              port: 8080
              protocol: HTTP
            - name: http
              port: 8080
              protocol: HTTPS
            - name: admin
              port: 70000
              protocol: HTTP
              hostname: "admin.example.com:8443"
            - name: grpc
              port: 9090
              protocol: H2C
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Gateway
        metadata:
          name: empty
        spec:
          listeners: []
        """;
    assertThat(problemsOf(yaml))
        .containsExactly(
            "routes.yaml:10: Gateway default/edge: spec.listeners[1].name: http (expected: a"
                + " unique listener name; also used by spec.listeners[0])",
            "routes.yaml:11: Gateway default/edge: spec.listeners[1].port: 8080 (expected: a"
                + " unique port; also used by spec.listeners[0])",
            "routes.yaml:12: Gateway default/edge: spec.listeners[1].protocol: HTTPS (expected:"
                + " HTTP; HTTPS and TCP are not supported yet)",
            "routes.yaml:14: Gateway default/edge: spec.listeners[2].port: 70000 (expected:"
                + " 1..65535)",
            "routes.yaml:16: Gateway default/edge: spec.listeners[2].hostname:"
                + " admin.example.com:8443 (expected: a hostname like example.com or"
                + " *.example.com, without port)",
            "routes.yaml:19: Gateway default/edge: spec.listeners[3].protocol: H2C (expected:"
                + " HTTP; HTTPS and TCP are not supported yet)",
            "routes.yaml:26: Gateway default/empty: spec.listeners: [] (expected: at least one"
                + " listener)");
  }

  @Test
  void serviceEndpointRules() {
    String yaml =
        """
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata:
          name: users
        spec:
          endpoints:
            - address: " "
              port: 9001
            - address: "http://users:80"
              port: 0
            - address: users.internal
            - address: "::1"
              port: 9002
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata:
          name: nothing
        spec: {}
        """;
    assertThat(problemsOf(yaml))
        .containsExactly(
            "routes.yaml:7: Service default/users: spec.endpoints[0].address: \" \" (expected: an IP"
                + " address or host name)",
            "routes.yaml:9: Service default/users: spec.endpoints[1].address: http://users:80"
                + " (expected: an IP address or host name, without scheme or port)",
            "routes.yaml:10: Service default/users: spec.endpoints[1].port: 0 (expected:"
                + " 1..65535)",
            "routes.yaml:11: Service default/users: spec.endpoints[2].port: missing (expected:"
                + " 1..65535)",
            "routes.yaml:19: Service default/nothing: spec.endpoints: [] (expected: at least one"
                + " endpoint)");
  }

  @Test
  void loadBalancerRules() {
    String yaml =
        """
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata:
          name: a
        spec:
          endpoints: [{address: 127.0.0.1, port: 9001}]
          loadBalancer:
            type: LeastRequests
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata:
          name: b
        spec:
          endpoints: [{address: 127.0.0.1, port: 9001}]
          loadBalancer:
            type: ConsistentHash
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata:
          name: c
        spec:
          endpoints: [{address: 127.0.0.1, port: 9001}]
          loadBalancer:
            type: ConsistentHash
            consistentHash:
              header: x-user
              cookie: session
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata:
          name: d
        spec:
          endpoints: [{address: 127.0.0.1, port: 9001}]
          loadBalancer:
            consistentHash:
              sourceAddress: true
        """;
    assertThat(problemsOf(yaml))
        .containsExactly(
            "routes.yaml:8: Service default/a: spec.loadBalancer.type: LeastRequests (expected:"
                + " one of RoundRobin, LeastRequest, PeakEwma, ConsistentHash; did you mean"
                + " `LeastRequest`?)",
            "routes.yaml:16: Service default/b: spec.loadBalancer.consistentHash: missing"
                + " (expected: one of header, cookie or sourceAddress: true, for type"
                + " ConsistentHash)",
            "routes.yaml:27: Service default/c: spec.loadBalancer.consistentHash: 2 hash keys"
                + " (expected: exactly one of header, cookie or sourceAddress: true)",
            "routes.yaml:38: Service default/d: spec.loadBalancer.consistentHash: set (expected:"
                + " only with type ConsistentHash, but type is RoundRobin)");
  }
}
