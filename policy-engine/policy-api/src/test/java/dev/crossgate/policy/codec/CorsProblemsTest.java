package dev.crossgate.policy.codec;

import static dev.crossgate.policy.codec.PolicyTexts.problemsWithGateway;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CorsProblemsTest {

  private static final String HEAD =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata:
        name: users
        namespace: shop
      spec:
        rules:
          - filters:
      """;

  @Test
  void validPolicyHasNoProblems() {
    String yaml =
        HEAD
            + """
                    - type: CORS
                      cors:
                        allowOrigins: ["https://app.example.com", "https://*.example.com", "http://127.0.0.1:8080"]
                        allowMethods: [GET, PUT]
                        allowHeaders: [x-token]
                        exposeHeaders: ["*"]
                        maxAge: 600
                        allowCredentials: true
                  backendRefs: [{name: users}]
            """;
    assertThat(problemsWithGateway(yaml)).isEmpty();
  }

  @Test
  void badOriginsMethodsHeadersAndMaxAge() {
    String yaml =
        HEAD
            + """
                    - type: CORS
                      cors:
                        allowOrigins:
                          - app.example.com
                          - https://app.example.com/path
                          - https://api.*.example.com
                          - https://*.-bad.com
                          - https://a.example.com:70000
                          - https://A.example.com
                          - https://a.example.com
                        allowMethods: ["GE T", "*"]
                        allowHeaders: ["x token"]
                        maxAge: 0
                  backendRefs: [{name: users}]
            """;
    String at = "HTTPRoute shop/users: spec.rules[0].filters[0].cors.";
    String origin = " (expected: an origin scheme://host[:port] without path, e.g."
        + " https://app.example.com or https://*.example.com, or `*`)";
    assertThat(problemsWithGateway(yaml))
        .containsExactly(
            "routes.yaml:12: " + at + "allowOrigins[0]: app.example.com" + origin,
            "routes.yaml:13: " + at + "allowOrigins[1]: https://app.example.com/path" + origin,
            "routes.yaml:14: " + at + "allowOrigins[2]: https://api.*.example.com" + origin,
            "routes.yaml:15: " + at + "allowOrigins[3]: https://*.-bad.com (expected: a DNS name"
                + " or IP address as host after `*.`)",
            "routes.yaml:16: " + at + "allowOrigins[4]: https://a.example.com:70000 (expected:"
                + " a port 1..65535)",
            "routes.yaml:18: " + at + "allowOrigins[6]: https://a.example.com (expected: each"
                + " origin once; also at spec.rules[0].filters[0].cors.allowOrigins[5])",
            "routes.yaml:19: " + at + "allowMethods[0]: GE T (expected: an HTTP method (a token"
                + " such as GET) or `*`)",
            "routes.yaml:19: " + at + "allowMethods[1]: * (expected: `*` as the only entry (it"
                + " already allows every method))",
            "routes.yaml:20: " + at + "allowHeaders[0]: x token (expected: a header name (an HTTP"
                + " token) or `*`)",
            "routes.yaml:21: " + at + "maxAge: 0 (expected: seconds, at least 1)");
  }

  @Test
  void missingOrigins() {
    String yaml =
        HEAD
            + """
                    - type: CORS
                      cors: {allowMethods: [GET]}
                  backendRefs: [{name: users}]
            """;
    assertThat(problemsWithGateway(yaml))
        .containsExactly(
            "routes.yaml:10: HTTPRoute shop/users: spec.rules[0].filters[0].cors.allowOrigins:"
                + " missing (expected: at least one origin (scheme://host[:port], `*.` host"
                + " wildcards, or `*`))");
  }

  @Test
  void missingConfig() {
    String yaml =
        HEAD
            + """
                    - type: CORS
                  backendRefs: [{name: users}]
            """;
    assertThat(problemsWithGateway(yaml))
        .containsExactly(
            "routes.yaml:9: HTTPRoute shop/users: spec.rules[0].filters[0].cors: missing"
                + " (expected: set for type CORS)");
  }

  @Test
  void securityHeadersValues() {
    String yaml =
        HEAD
            + """
                    - type: SecurityHeaders
                      securityHeaders: {frameOptions: SAMEORIGN, referrerPolicy: never}
                  backendRefs: [{name: users}]
            """;
    assertThat(problemsWithGateway(yaml))
        .containsExactly(
            "routes.yaml:10: HTTPRoute shop/users:"
                + " spec.rules[0].filters[0].securityHeaders.frameOptions: SAMEORIGN (expected:"
                + " DENY or SAMEORIGIN; did you mean `SAMEORIGIN`?)",
            "routes.yaml:10: HTTPRoute shop/users:"
                + " spec.rules[0].filters[0].securityHeaders.referrerPolicy: never (expected: one"
                + " of no-referrer, no-referrer-when-downgrade, origin, origin-when-cross-origin,"
                + " same-origin, strict-origin, strict-origin-when-cross-origin, unsafe-url)");
  }
}
