package dev.crossgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.testkit.BackendExtension;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The CORS and SecurityHeaders filters through a real gateway to a real loopback backend. */
class CorsAndSecurityHeadersTest {

  @RegisterExtension static final BackendExtension APP = new BackendExtension("app");

  @TempDir static Path dir;
  static GatewayFixture gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = GatewayFixture.start(dir, """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: edge}
        spec:
          listeners: [{name: http, port: 8080, protocol: HTTP}]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: app}
        spec:
          endpoints: [{address: 127.0.0.1, port: %d}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: app}
        spec:
          parentRefs: [{name: edge}]
          rules:
            - matches: [{path: {type: PathPrefix, value: /api}}]
              filters:
                - type: CORS
                  cors:
                    allowOrigins: ["https://app.example.com", "https://*.example.org"]
                    allowMethods: [GET, PUT, DELETE]
                    allowHeaders: [x-token, content-type]
                    exposeHeaders: [x-total]
                    maxAge: 600
                    allowCredentials: true
              backendRefs: [{name: app}]
            - matches: [{path: {type: PathPrefix, value: /public}}]
              filters:
                - type: CORS
                  cors:
                    allowOrigins: ["*"]
                    allowMethods: ["*"]
                    allowHeaders: ["*"]
              backendRefs: [{name: app}]
            - matches: [{path: {type: PathPrefix, value: /shared}}]
              filters:
                - type: CORS
                  cors:
                    allowOrigins: ["*"]
                    allowMethods: ["*"]
                    allowHeaders: ["*"]
                    exposeHeaders: ["*"]
                    allowCredentials: true
              backendRefs: [{name: app}]
            - matches: [{path: {type: PathPrefix, value: /secure}}]
              filters:
                - type: SecurityHeaders
                  securityHeaders: {}
              backendRefs: [{name: app}]
            - matches: [{path: {type: PathPrefix, value: /plain}}]
              backendRefs: [{name: app}]
        """.formatted(APP.port()));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static HttpResponse<String> send(String method, String path, String... headers)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri(path))
        .timeout(Duration.ofSeconds(20))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (headers.length > 0) {
      request.headers(headers);
    }
    return gateway.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> preflight(String path, String origin, String method)
      throws Exception {
    return send("OPTIONS", path, "origin", origin, "access-control-request-method", method,
        "access-control-request-headers", "x-token");
  }

  @Test
  void allowedPreflightIsAnsweredByTheGateway() throws Exception {
    HttpResponse<String> response = preflight("/api/items", "https://app.example.com", "PUT");
    assertThat(response.statusCode()).isEqualTo(204);
    var headers = response.headers();
    assertThat(headers.firstValue("access-control-allow-origin"))
        .hasValue("https://app.example.com");
    assertThat(headers.firstValue("access-control-allow-credentials")).hasValue("true");
    assertThat(headers.firstValue("access-control-allow-methods")).hasValue("GET, PUT, DELETE");
    assertThat(headers.firstValue("access-control-allow-headers"))
        .hasValue("x-token, content-type");
    assertThat(headers.firstValue("access-control-max-age")).hasValue("600");
    assertThat(headers.firstValue("vary").orElse("")).contains("Origin");
    assertThat(APP.backend().requests()).as("preflight never reaches the backend").isEmpty();
  }

  @Test
  void preflightFromAnotherOriginOrForAnotherMethodGetsNoAllowHeaders() throws Exception {
    for (HttpResponse<String> response : new HttpResponse[] {
        preflight("/api/items", "https://evil.example.com", "PUT"),
        preflight("/api/items", "http://app.example.com", "PUT"),
        preflight("/api/items", "https://app.example.com", "PATCH")}) {
      assertThat(response.statusCode()).isEqualTo(204);
      assertThat(response.headers().firstValue("access-control-allow-origin")).isEmpty();
      assertThat(response.headers().firstValue("access-control-allow-methods")).isEmpty();
      assertThat(response.headers().firstValue("vary").orElse("")).contains("Origin");
    }
    assertThat(APP.backend().requests()).isEmpty();
  }

  @Test
  void wildcardSubdomainOriginsMatchOneOrMoreLabelsOnly() throws Exception {
    assertThat(preflight("/api/x", "https://a.example.org", "GET").headers()
        .firstValue("access-control-allow-origin")).hasValue("https://a.example.org");
    assertThat(preflight("/api/x", "https://b.c.example.org", "GET").headers()
        .firstValue("access-control-allow-origin")).hasValue("https://b.c.example.org");
    assertThat(preflight("/api/x", "https://example.org", "GET").headers()
        .firstValue("access-control-allow-origin")).isEmpty();
    assertThat(preflight("/api/x", "https://a.example.org:8443", "GET").headers()
        .firstValue("access-control-allow-origin")).isEmpty();
    assertThat(preflight("/api/x", "https://aexample.org", "GET").headers()
        .firstValue("access-control-allow-origin")).isEmpty();
  }

  @Test
  void actualRequestGetsOriginCredentialsExposeHeadersAndVary() throws Exception {
    APP.backend().behave(request -> request.response().putHeader("x-total", "7")
        .putHeader("access-control-allow-origin", "*").end("ok"));
    HttpResponse<String> response = send("GET", "/api/items", "origin", "https://app.example.com");
    assertThat(response.statusCode()).isEqualTo(200);
    var headers = response.headers();
    assertThat(headers.firstValue("access-control-allow-origin"))
        .as("the route's policy replaces the backend's").hasValue("https://app.example.com");
    assertThat(headers.firstValue("access-control-allow-credentials")).hasValue("true");
    assertThat(headers.firstValue("access-control-expose-headers")).hasValue("x-total");
    assertThat(headers.allValues("vary")).contains("Origin");
    assertThat(APP.backend().requests()).hasSize(1);

    HttpResponse<String> other = send("GET", "/api/items", "origin", "https://evil.example");
    assertThat(other.statusCode()).isEqualTo(200);
    assertThat(other.headers().firstValue("access-control-allow-credentials")).isEmpty();
    assertThat(other.headers().firstValue("access-control-expose-headers")).isEmpty();
    assertThat(other.headers().allValues("vary")).contains("Origin");
  }

  @Test
  void anyOriginWithoutCredentialsAnswersStar() throws Exception {
    HttpResponse<String> response = preflight("/public/x", "https://anyone.test", "PATCH");
    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(response.headers().firstValue("access-control-allow-origin")).hasValue("*");
    assertThat(response.headers().firstValue("access-control-allow-methods")).hasValue("*");
    assertThat(response.headers().firstValue("access-control-allow-headers")).hasValue("*");
    assertThat(response.headers().firstValue("access-control-allow-credentials")).isEmpty();
    assertThat(response.headers().firstValue("access-control-max-age")).hasValue("5");
  }

  @Test
  void wildcardsWithCredentialsEchoWhatTheBrowserAsked() throws Exception {
    HttpResponse<String> response = preflight("/shared/x", "https://anyone.test", "PATCH");
    assertThat(response.statusCode()).isEqualTo(204);
    var headers = response.headers();
    assertThat(headers.firstValue("access-control-allow-origin")).hasValue("https://anyone.test");
    assertThat(headers.firstValue("access-control-allow-credentials")).hasValue("true");
    assertThat(headers.firstValue("access-control-allow-methods")).hasValue("PATCH");
    assertThat(headers.firstValue("access-control-allow-headers")).hasValue("x-token");

    APP.backend().behave(request -> request.response().putHeader("x-total", "7").end("ok"));
    HttpResponse<String> actual = send("GET", "/shared/x", "origin", "https://anyone.test");
    assertThat(actual.headers().firstValue("access-control-allow-origin"))
        .hasValue("https://anyone.test");
    assertThat(actual.headers().firstValue("access-control-expose-headers").orElse(""))
        .as("`*` is literal to browsers with credentials: the names are listed")
        .contains("x-total").doesNotContain("*");
  }

  @Test
  void requestsWithoutOriginAndPlainOptionsAreProxied() throws Exception {
    HttpResponse<String> response = send("OPTIONS", "/api/items");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("access-control-allow-origin")).isEmpty();
    assertThat(APP.backend().requests()).hasSize(1);
  }

  @Test
  void securityHeadersAddedWhenOptedInAndBackendValuesKept() throws Exception {
    HttpResponse<String> response = send("GET", "/secure/page");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("x-content-type-options")).hasValue("nosniff");
    assertThat(response.headers().firstValue("x-frame-options")).hasValue("DENY");
    assertThat(response.headers().firstValue("referrer-policy")).hasValue("no-referrer");

    APP.backend().behave(request -> request.response()
        .putHeader("x-frame-options", "SAMEORIGIN").end("own"));
    HttpResponse<String> own = send("GET", "/secure/page");
    assertThat(own.headers().allValues("x-frame-options")).containsExactly("SAMEORIGIN");
    assertThat(own.headers().firstValue("referrer-policy")).hasValue("no-referrer");
  }

  @Test
  void securityHeadersAbsentWithoutTheFilter() throws Exception {
    HttpResponse<String> response = send("GET", "/plain/page");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("x-content-type-options")).isEmpty();
    assertThat(response.headers().firstValue("x-frame-options")).isEmpty();
    assertThat(response.headers().firstValue("referrer-policy")).isEmpty();
  }

  @Test
  void crossgateOwnErrorsCarryNosniffAndALockedDownPolicy() throws Exception {
    HttpResponse<String> response = send("GET", "/nowhere");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(response.headers().firstValue("x-content-type-options")).hasValue("nosniff");
    assertThat(response.headers().firstValue("content-security-policy"))
        .hasValue("default-src 'none'; frame-ancestors 'none'");
  }
}
