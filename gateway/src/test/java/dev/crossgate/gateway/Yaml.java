package dev.crossgate.gateway;

/** Small YAML builders for tests: one Gateway named {@code edge} with an {@code http} listener. */
final class Yaml {

  private Yaml() {}

  static final String GATEWAY = """
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: edge}
      spec:
        listeners: [{name: http, port: 8080, protocol: HTTP}]
      """;

  static String service(String name, int... ports) {
    StringBuilder endpoints = new StringBuilder();
    for (int port : ports) {
      endpoints.append(endpoints.length() == 0 ? "" : ", ")
          .append("{address: 127.0.0.1, port: ").append(port).append('}');
    }
    return """
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: %s}
        spec:
          endpoints: [%s]
        """.formatted(name, endpoints);
  }

  /** A Service whose endpoints speak {@code protocol} (HTTP, HTTP2, GRPC or TCP). */
  static String service(String name, String protocol, int... ports) {
    return service(name, ports).replace("spec:\n", "spec:\n  protocol: " + protocol + "\n");
  }

  static String prefixRoute(String name, String prefix, String backendRefs) {
    return """
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: %s}
        spec:
          parentRefs: [{name: edge}]
          rules:
            - matches: [{path: {type: PathPrefix, value: %s}}]
              backendRefs: %s
        """.formatted(name, prefix, backendRefs);
  }
}
