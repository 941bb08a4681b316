package dev.crossgate.policy.codec;

import static dev.crossgate.policy.codec.PolicyTexts.problemsWithGateway;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HttpRouteProblemsTest {

  private static final String HEAD =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata:
        name: users
        namespace: shop
      spec:
      """;

  @Test
  void hostnamesAndParentRefs() {
    String yaml =
        HEAD
            + """
              hostnames:
                - "shop.example.com:443"
                - "*.Example.com"
                - "foo.*.com"
              parentRefs:
                - name: edge
                  sectionName: https
                - name: edge
                  namespace: other
              rules:
                - backendRefs:
                    - name: users
            """;
    assertThat(problemsWithGateway(yaml))
        .containsExactly(
            "routes.yaml:8: HTTPRoute shop/users: spec.hostnames[0]: shop.example.com:443"
                + " (expected: a hostname like shop.example.com or *.example.com, without port)",
            "routes.yaml:10: HTTPRoute shop/users: spec.hostnames[2]: foo.*.com (expected: a"
                + " hostname like shop.example.com or *.example.com, without port)",
            "routes.yaml:13: HTTPRoute shop/users: spec.parentRefs[0].sectionName: https"
                + " (expected: a listener of Gateway shop/edge; known: http; did you mean `http`?)",
            "routes.yaml:14: HTTPRoute shop/users: spec.parentRefs[1].name: edge (expected: an"
                + " existing Gateway in namespace other; known: none)");
  }

  @Test
  void serviceParentsMustNameAServiceWithoutAListener() {
    String yaml =
        HEAD
            + """
              parentRefs:
                - kind: Service
                  name: users
                - kind: Service
                  name: payments
                - kind: Service
                  name: orders
                  sectionName: http
                - kind: Mesh
                  name: users
              rules:
                - backendRefs:
                    - name: users
            """;
    assertThat(problemsWithGateway(yaml))
        .containsExactly(
            "routes.yaml:11: HTTPRoute shop/users: spec.parentRefs[1].name: payments (expected:"
                + " an existing Service in namespace shop)",
            "routes.yaml:14: HTTPRoute shop/users: spec.parentRefs[2].sectionName: http"
                + " (expected: none for a Service parent (a Service has no listeners))",
            "routes.yaml:15: HTTPRoute shop/users: spec.parentRefs[3].kind: Mesh (expected:"
                + " Gateway or Service)");
  }

  @Test
  void backendRefsMustExistAndWeightsBeInRange() {
    String yaml =
        HEAD
            + """
              rules:
                - matches: [{path: {value: /a}}]
                  backendRefs:
                    - name: users
                      weight: -1
                    - name: user
                - matches: [{path: {value: /b}}]
                  backendRefs:
                    - name: users
                      weight: 0
                - matches: [{path: {value: /c}}]
                  backendRefs: []
            """;
    assertThat(problemsWithGateway(yaml))
        .containsExactly(
            "routes.yaml:11: HTTPRoute shop/users: spec.rules[0].backendRefs[0].weight: -1"
                + " (expected: 0..1000000)",
            "routes.yaml:12: HTTPRoute shop/users: spec.rules[0].backendRefs[1].name: user"
                + " (expected: an existing Service in namespace shop; known: orders, users)",
            "routes.yaml:14: HTTPRoute shop/users: spec.rules[1].backendRefs: all weights 0"
                + " (expected: at least one backendRef with weight > 0, or a RequestRedirect"
                + " filter)",
            "routes.yaml:18: HTTPRoute shop/users: spec.rules[2].backendRefs: [] (expected: at"
                + " least one backendRef with weight > 0, or a RequestRedirect filter)");
  }

  @Test
  void routeNeedsRules() {
    assertThat(problemsWithGateway(HEAD + "  hostnames: [a.example.com]\n"))
        .containsExactly(
            "routes.yaml:6: HTTPRoute shop/users: spec.rules: [] (expected: at least one rule)");
  }

  @Test
  void pathMatches() {
    String yaml =
        HEAD
            + """
              rules:
                - matches:
                    - path: {type: Prefix, value: /a}
                    - path: {type: Exact, value: users}
                    - path: {type: PathPrefix, value: "/a?b=1"}
                    - path: {type: RegularExpression, value: "/users/(["}
                  backendRefs:
                    - name: users
            """;
    assertThat(problemsWithGateway(yaml))
        .containsExactly(
            "routes.yaml:9: HTTPRoute shop/users: spec.rules[0].matches[0].path.type: Prefix"
                + " (expected: one of Exact, PathPrefix, RegularExpression)",
            "routes.yaml:10: HTTPRoute shop/users: spec.rules[0].matches[1].path.value: users"
                + " (expected: an absolute path starting with /)",
            "routes.yaml:11: HTTPRoute shop/users: spec.rules[0].matches[2].path.value: /a?b=1"
                + " (expected: a path without query (?) or fragment (#))",
            "routes.yaml:12: HTTPRoute shop/users: spec.rules[0].matches[3].path.value:"
                + " /users/([ (expected: a java.util.regex pattern; Unclosed character class near"
                + " index 8)");
  }

  @Test
  void headerQueryAndMethodMatches() {
    String yaml =
        HEAD
            + """
              rules:
                - matches:
                    - method: get
                      headers:
                        - name: x-user
                          value: a
                        - name: X-User
                          value: b
                        - name: "bad header"
                          value: c
                        - name: x-id
                          type: Regex
                          value: "[0-9]+"
                      queryParams:
                        - name: q
                          type: RegularExpression
                          value: "*"
                  backendRefs:
                    - name: users
            """;
    assertThat(problemsWithGateway(yaml))
        .containsExactly(
            "routes.yaml:9: HTTPRoute shop/users: spec.rules[0].matches[0].method: get"
                + " (expected: one of GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH;"
                + " did you mean `GET`?)",
            "routes.yaml:13: HTTPRoute shop/users: spec.rules[0].matches[0].headers[1].name:"
                + " X-User (expected: a name not matched twice in one match; also in"
                + " spec.rules[0].matches[0].headers[0])",
            "routes.yaml:15: HTTPRoute shop/users: spec.rules[0].matches[0].headers[2].name: bad"
                + " header (expected: a header name (an HTTP token))",
            "routes.yaml:18: HTTPRoute shop/users: spec.rules[0].matches[0].headers[3].type:"
                + " Regex (expected: one of Exact, RegularExpression)",
            "routes.yaml:23: HTTPRoute shop/users: spec.rules[0].matches[0].queryParams[0].value:"
                + " * (expected: a java.util.regex pattern; Dangling meta character '*' near index"
                + " 0)");
  }
}
