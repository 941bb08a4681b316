package dev.crossgate.policy.server.distribution;

/**
 * The policy resources the distribution tests apply, as YAML documents to join with
 * {@link #of}: one Gateway with one HTTP listener, a Service with one static endpoint on
 * loopback, a route from a Gateway to a Service, a MeshMigration.
 */
final class TestPolicies {

  private TestPolicies() {}

  /** The documents joined into one YAML stream. */
  static String of(String... documents) {
    return String.join("---\n", documents);
  }

  static String gateway(String namespace, String name, int port) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: %s, namespace: %s}
        spec:
          listeners: [{name: http, port: %d, protocol: HTTP}]
        """.formatted(name, namespace, port);
  }

  static String service(String namespace, String name, int port) {
    return """
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: %s, namespace: %s}
        spec:
          endpoints: [{address: 127.0.0.1, port: %d}]
        """.formatted(name, namespace, port);
  }

  /** An HTTPRoute named after its Service, from {@code gateway} to that Service. */
  static String route(String namespace, String gateway, String service) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: %s, namespace: %s}
        spec:
          parentRefs: [{name: %s}]
          rules: [{backendRefs: [{name: %s}]}]
        """.formatted(service, namespace, gateway, service);
  }

  static String migration(String namespace, String service, String stage) {
    return """
        apiVersion: crossgate.dev/v1alpha1
        kind: MeshMigration
        metadata: {name: %s, namespace: %s}
        spec:
          service: {name: %s}
          stage: %s
        """.formatted(service, namespace, service, stage);
  }

  static String migration(String namespace, String service, String stage, int meshWeight) {
    return migration(namespace, service, stage) + "  meshWeight: " + meshWeight + "\n";
  }
}
