package dev.crossgate.policy.codec;

import static dev.crossgate.policy.codec.PolicyTexts.problemsWithGateway;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FilterProblemsTest {

  private static final String HEAD =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata:
        name: users
        namespace: shop
      spec:
        rules:
      """;

  @Test
  void filterTypeAndItsConfigField() {
    String yaml =
        HEAD
            + """
                - filters:
                    - type: URLRewrites
                    - type: URLRewrite
                      requestRedirect: {scheme: https}
                  backendRefs: [{name: users}]
            """;
    assertThat(problemsWithGateway(yaml))
        .containsExactly(
            "routes.yaml:9: HTTPRoute shop/users: spec.rules[0].filters[0].type: URLRewrites"
                + " (expected: one of RequestHeaderModifier, ResponseHeaderModifier, URLRewrite,"
                + " RequestRedirect, RequestMirror, CORS, SecurityHeaders; did you mean"
                + " `URLRewrite`?)",
            "routes.yaml:10: HTTPRoute shop/users: spec.rules[0].filters[1].urlRewrite: missing"
                + " (expected: set for type URLRewrite)",
            "routes.yaml:11: HTTPRoute shop/users: spec.rules[0].filters[1].requestRedirect: set"
                + " (expected: only `urlRewrite` for type URLRewrite)");
  }

  @Test
  void headerModifierNames() {
    String yaml =
        HEAD
            + """
                - filters:
                    - type: RequestHeaderModifier
                      requestHeaderModifier:
                        set:
                          - {name: x-a, value: "1"}
                          - {name: "x b", value: "2"}
                        add:
                          - {name: X-A, value: "3"}
                        remove: [x-c, x-c]
                  backendRefs: [{name: users}]
            """;
    assertThat(problemsWithGateway(yaml))
        .containsExactly(
            "routes.yaml:13: HTTPRoute shop/users:"
                + " spec.rules[0].filters[0].requestHeaderModifier.set[1].name: x b (expected: a"
                + " header name (an HTTP token))",
            "routes.yaml:15: HTTPRoute shop/users:"
                + " spec.rules[0].filters[0].requestHeaderModifier.add[0].name: X-A (expected:"
                + " each header named once per modifier; also at"
                + " spec.rules[0].filters[0].requestHeaderModifier.set[0].name)",
            "routes.yaml:16: HTTPRoute shop/users:"
                + " spec.rules[0].filters[0].requestHeaderModifier.remove[1]: x-c (expected: each"
                + " header named once per modifier; also at"
                + " spec.rules[0].filters[0].requestHeaderModifier.remove[0])");
  }

  @Test
  void rewriteAndRedirectRules() {
    String yaml =
        HEAD
            + """
                - matches:
                    - path: {type: Exact, value: /a}
                  filters:
                    - type: URLRewrite
                      urlRewrite:
                        path: {type: ReplacePrefixMatch, replacePrefixMatch: /b}
                    - type: RequestRedirect
                      requestRedirect:
                        scheme: ftp
                        port: 0
                        statusCode: 308
                        path: {type: ReplaceFullPath}
                    - type: RequestRedirect
                      requestRedirect: {scheme: https}
            """;
    assertThat(problemsWithGateway(yaml))
        .containsExactly(
            "routes.yaml:13: HTTPRoute shop/users: spec.rules[0].filters[0].urlRewrite.path.type:"
                + " ReplacePrefixMatch (expected: only in rules whose matches are all PathPrefix;"
                + " spec.rules[0].matches[0].path.type is Exact)",
            "routes.yaml:14: HTTPRoute shop/users: spec.rules[0].filters[1].type: RequestRedirect"
                + " (expected: URLRewrite and RequestRedirect not in the same rule; URLRewrite is"
                + " spec.rules[0].filters[0])",
            "routes.yaml:16: HTTPRoute shop/users: spec.rules[0].filters[1].requestRedirect.scheme:"
                + " ftp (expected: http or https)",
            "routes.yaml:17: HTTPRoute shop/users: spec.rules[0].filters[1].requestRedirect.port:"
                + " 0 (expected: 1..65535)",
            "routes.yaml:18: HTTPRoute shop/users:"
                + " spec.rules[0].filters[1].requestRedirect.statusCode: 308 (expected: 301 or"
                + " 302)",
            "routes.yaml:19: HTTPRoute shop/users:"
                + " spec.rules[0].filters[1].requestRedirect.path.replaceFullPath: missing"
                + " (expected: set for type ReplaceFullPath)",
            "routes.yaml:20: HTTPRoute shop/users: spec.rules[0].filters[2].type: RequestRedirect"
                + " (expected: URLRewrite and RequestRedirect not in the same rule; URLRewrite is"
                + " spec.rules[0].filters[0])",
            "routes.yaml:20: HTTPRoute shop/users: spec.rules[0].filters[2].type: RequestRedirect"
                + " (expected: at most one RequestRedirect filter per rule; also"
                + " spec.rules[0].filters[1])");
  }

  @Test
  void mirrorRules() {
    String yaml =
        HEAD
            + """
                - filters:
                    - type: RequestMirror
                      requestMirror:
                        backendRef: {name: shadow}
                        percent: 150
                  backendRefs: [{name: users}]
            """;
    assertThat(problemsWithGateway(yaml))
        .containsExactly(
            "routes.yaml:11: HTTPRoute shop/users:"
                + " spec.rules[0].filters[0].requestMirror.backendRef.name: shadow (expected: an"
                + " existing Service in namespace shop; known: orders, users)",
            "routes.yaml:12: HTTPRoute shop/users: spec.rules[0].filters[0].requestMirror.percent:"
                + " 150 (expected: 0..100)");
  }
}
