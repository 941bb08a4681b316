package dev.crossgate.policy.codec;

import java.util.List;

/** YAML snippets shared by the tests: a gateway and services that routes can refer to. */
final class PolicyTexts {

  /** A Gateway {@code shop/edge} with listener {@code http} on 8080, and Services {@code shop/users}, {@code shop/orders}. */
  static final String GATEWAY_AND_SERVICES =
      """
      ---
      apiVersion: crossgate.dev/v1alpha1
      kind: Gateway
      metadata:
        name: edge
        namespace: shop
      spec:
        listeners:
          - name: http
            port: 8080
            protocol: HTTP
      ---
      apiVersion: crossgate.dev/v1alpha1
      kind: Service
      metadata:
        name: users
        namespace: shop
      spec:
        endpoints:
          - address: 127.0.0.1
            port: 9001
      ---
      apiVersion: crossgate.dev/v1alpha1
      kind: Service
      metadata:
        name: orders
        namespace: shop
      spec:
        endpoints:
          - address: 127.0.0.1
            port: 9002
      """;

  private PolicyTexts() {}

  /** The problems of {@code yaml} (read as {@code routes.yaml}), rendered with toString. */
  static List<String> problemsOf(String yaml) {
    LoadResult result = PolicyLoader.loadString("routes.yaml", yaml);
    return result.problems().stream().map(ConfigProblem::toString).toList();
  }

  /** The problems of {@code yaml} followed by the shared gateway and services. */
  static List<String> problemsWithGateway(String yaml) {
    return problemsOf(yaml + GATEWAY_AND_SERVICES);
  }
}
