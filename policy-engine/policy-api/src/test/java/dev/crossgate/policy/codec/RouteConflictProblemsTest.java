package dev.crossgate.policy.codec;

import static dev.crossgate.policy.codec.PolicyTexts.problemsWithGateway;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouteConflictProblemsTest {

  private static String route(String name, String hostnames, String matches) {
    return """
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: %s
          namespace: shop
        spec:
          parentRefs: [{name: edge}]
          hostnames: %s
          rules:
            - matches: %s
              backendRefs: [{name: users}]
        """
        .formatted(name, hostnames, matches);
  }

  @Test
  void identicalMatchesAcrossRoutesNameBoth() {
    String yaml =
        route("a", "[shop.example.com]", "[{path: {value: /users/}, method: GET}]")
            + route(
                "b",
                "[Shop.Example.com, other.example.com]",
                "[{path: {type: PathPrefix, value: /users}, method: GET}]");
    assertThat(problemsWithGateway(yaml))
        .containsExactly(
            "routes.yaml:23: HTTPRoute shop/b: spec.rules[0].matches[0]: conflicts with HTTPRoute"
                + " shop/a spec.rules[0].matches[0] (routes.yaml:11): both match PathPrefix"
                + " /users, method GET for host shop.example.com (expected: matches that differ in"
                + " hostname, path, method, headers or query parameters on the same gateway)");
  }

  @Test
  void routesWithoutHostnamesConflictOnDefaultMatch() {
    String yaml = route("a", "[]", "[]") + route("b", "[]", "[{path: {value: /}}]");
    assertThat(problemsWithGateway(yaml))
        .containsExactly(
            "routes.yaml:23: HTTPRoute shop/b: spec.rules[0].matches[0]: conflicts with HTTPRoute"
                + " shop/a spec.rules[0] (routes.yaml:11): both match PathPrefix / for host *"
                + " (expected: matches that differ in hostname, path, method, headers or query"
                + " parameters on the same gateway)");
  }

  @Test
  void conflictWithinOneRouteIgnoresHeaderOrder() {
    String yaml =
        route(
            "a",
            "[]",
            "[{headers: [{name: x-a, value: '1'}, {name: x-b, value: '2'}]},"
                + " {headers: [{name: X-B, value: '2'}, {name: x-a, value: '1'}]}]");
    assertThat(problemsWithGateway(yaml))
        .singleElement()
        .asString()
        .startsWith(
            "routes.yaml:11: HTTPRoute shop/a: spec.rules[0].matches[1]: conflicts with HTTPRoute"
                + " shop/a spec.rules[0].matches[0] (routes.yaml:11): both match PathPrefix /, 2"
                + " header match(es) for host *");
  }

  @Test
  void differentHostsMethodsHeadersOrQueriesDoNotConflict() {
    String yaml =
        route("a", "[a.example.com]", "[{path: {value: /x}}]")
            + route("b", "[b.example.com]", "[{path: {value: /x}}]")
            + route("c", "[a.example.com]", "[{path: {value: /x}, method: POST}]")
            + route("d", "[a.example.com]", "[{path: {value: /x}, headers: [{name: v, value: '2'}]}]")
            + route("e", "[a.example.com]", "[{path: {value: /x}, queryParams: [{name: v, value: '2'}]}]")
            + route("f", "[a.example.com]", "[{path: {type: Exact, value: /x}}]");
    assertThat(problemsWithGateway(yaml)).isEmpty();
  }

  @Test
  void routesOnDifferentGatewaysDoNotConflict() {
    String other =
        """
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Gateway
        metadata:
          name: internal
          namespace: shop
        spec:
          listeners:
            - {name: http, port: 8081, protocol: HTTP}
        """;
    String yaml =
        route("a", "[]", "[]")
            + route("b", "[]", "[]").replace("parentRefs: [{name: edge}]", "parentRefs: [{name: internal}]")
            + other;
    assertThat(problemsWithGateway(yaml)).isEmpty();
  }
}
