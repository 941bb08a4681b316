package dev.crossgate.policy.server.store;

import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.model.Resource;
import java.util.List;

/** Policy resources for store tests, built from YAML so they are exactly what users write. */
public final class TestPolicies {

  private TestPolicies() {}

  public static String gateway() {
    return """
        apiVersion: gateway.networking.k8s.io/v1
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
  }

  public static String service(String name, int port) {
    return """
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata:
          name: %s
          namespace: shop
          labels:
            app: %s
            tier: backend
        spec:
          endpoints:
            - address: 127.0.0.1
              port: %d
        """.formatted(name, name, port);
  }

  public static String route(String name, String path, String backend) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: %s
          namespace: shop
          labels:
            team: web
        spec:
          parentRefs:
            - name: edge
          rules:
            - matches:
                - path:
                    type: PathPrefix
                    value: %s
              backendRefs:
                - name: %s
        """.formatted(name, path, backend);
  }

  /** Joins YAML documents with {@code ---}. */
  public static String yaml(String... documents) {
    return String.join("---\n", documents);
  }

  /** The resources of a YAML text that is valid on its own. */
  public static List<Resource> load(String... documents) {
    return PolicyLoader.loadString("test.yaml", yaml(documents)).bundleOrThrow().resources();
  }

  /** Gateway {@code shop/edge}, Services {@code shop/users} and {@code shop/orders}. */
  public static List<Resource> base() {
    return load(gateway(), service("users", 9001), service("orders", 9002));
  }

  /** One resource of a text that needs the base resources to validate. */
  public static Resource withBase(String document) {
    List<Resource> all = load(gateway(), service("users", 9001), service("orders", 9002), document);
    return all.get(all.size() - 1);
  }
}
