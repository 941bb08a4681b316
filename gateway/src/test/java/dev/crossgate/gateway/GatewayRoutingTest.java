package dev.crossgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.testkit.BackendExtension;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Routing, filters and headers through a real gateway to real loopback backends. */
class GatewayRoutingTest {

  @RegisterExtension static final BackendExtension USERS = new BackendExtension("users");
  @RegisterExtension static final BackendExtension ORDERS = new BackendExtension("orders");
  @RegisterExtension static final BackendExtension MIRROR = new BackendExtension("mirror");

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
        metadata: {name: users}
        spec:
          endpoints: [{address: 127.0.0.1, port: %d}]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: orders}
        spec:
          endpoints: [{address: 127.0.0.1, port: %d}]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: mirror}
        spec:
          endpoints: [{address: 127.0.0.1, port: %d}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: users}
        spec:
          parentRefs: [{name: edge}]
          rules:
            - matches: [{path: {type: PathPrefix, value: /users}}]
              filters:
                - type: RequestHeaderModifier
                  requestHeaderModifier:
                    set: [{name: x-team, value: identity}]
                    add: [{name: x-added, value: "yes"}]
                    remove: [x-remove-me]
                - type: ResponseHeaderModifier
                  responseHeaderModifier:
                    set: [{name: x-served-by, value: crossgate}]
              backendRefs: [{name: users}]
            - matches: [{path: {type: PathPrefix, value: /api/v1/users}}]
              filters:
                - type: URLRewrite
                  urlRewrite:
                    hostname: users.internal
                    path: {type: ReplacePrefixMatch, replacePrefixMatch: /users}
              backendRefs: [{name: users}]
            - matches: [{path: {type: Exact, value: /old-users}}]
              filters:
                - type: RequestRedirect
                  requestRedirect:
                    path: {type: ReplaceFullPath, replaceFullPath: /users}
                    statusCode: 302
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: orders}
        spec:
          parentRefs: [{name: edge}]
          hostnames: [shop.example.com, "*.shop.example.com"]
          rules:
            - matches: [{path: {type: PathPrefix, value: /}}]
              filters:
                - type: RequestMirror
                  requestMirror: {backendRef: {name: mirror}, percent: 100}
              backendRefs: [{name: orders}]
            - matches:
                - path: {type: PathPrefix, value: /}
                  headers: [{name: x-canary, value: "true"}]
              backendRefs: [{name: users}]
        """.formatted(USERS.port(), ORDERS.port(), MIRROR.port()));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static JsonObject echo(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  @Test
  void routesByPathPrefixAndAppliesHeaderModifiers() throws Exception {
    JsonObject body = echo(gateway.get("/users/42?x=1", "x-remove-me", "secret"));
    assertThat(body.getString("backend")).isEqualTo("users");
    assertThat(body.getString("uri")).isEqualTo("/users/42?x=1");
    JsonObject headers = body.getJsonObject("headers");
    assertThat(headers.getJsonArray("x-team").getString(0)).isEqualTo("identity");
    assertThat(headers.getJsonArray("x-added").getString(0)).isEqualTo("yes");
    assertThat(headers.containsKey("x-remove-me")).isFalse();
  }

  @Test
  void responseHeaderModifierAndRequestIdReachTheClient() throws Exception {
    HttpResponse<String> response = gateway.get("/users", "x-request-id", "abc-123");
    assertThat(response.headers().firstValue("x-served-by")).hasValue("crossgate");
    assertThat(response.headers().firstValue("x-request-id")).hasValue("abc-123");
    JsonObject headers = echo(response).getJsonObject("headers");
    assertThat(headers.getJsonArray("x-request-id").getString(0)).isEqualTo("abc-123");
  }

  @Test
  void prefixBoundaryIsAPathElement() throws Exception {
    HttpResponse<String> response = gateway.get("/usersx");
    assertThat(response.statusCode()).isEqualTo(404);
  }

  @Test
  void setsForwardedHeadersAndStartsATrace() throws Exception {
    JsonObject headers = echo(gateway.get("/users", "x-forwarded-for", "203.0.113.9"))
        .getJsonObject("headers");
    assertThat(headers.getJsonArray("x-forwarded-for").getString(0))
        .isEqualTo("203.0.113.9, 127.0.0.1");
    assertThat(headers.getJsonArray("x-forwarded-proto").getString(0)).isEqualTo("http");
    assertThat(headers.getJsonArray("x-forwarded-host").getString(0))
        .startsWith("127.0.0.1:");
    assertThat(headers.getJsonArray("traceparent").getString(0))
        .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
  }

  @Test
  void propagatesAnIncomingTraceWithANewParentId() throws Exception {
    String incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    JsonObject headers = echo(gateway.get("/users", "traceparent", incoming))
        .getJsonObject("headers");
    String sent = headers.getJsonArray("traceparent").getString(0);
    assertThat(sent).startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-").endsWith("-01");
    assertThat(sent).isNotEqualTo(incoming);
  }

  @Test
  void rewritesPrefixAndHostname() throws Exception {
    JsonObject body = echo(gateway.get("/api/v1/users/7?q=a"));
    assertThat(body.getString("uri")).isEqualTo("/users/7?q=a");
    assertThat(body.getJsonObject("headers").getJsonArray("host").getString(0))
        .isEqualTo("users.internal");
  }

  @Test
  void redirectsWithoutCallingABackend() throws Exception {
    HttpResponse<String> response = gateway.get("/old-users?page=2");
    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(response.headers().firstValue("location")).hasValueSatisfying(
        location -> assertThat(location).matches("http://127\\.0\\.0\\.1:\\d+/users\\?page=2"));
    assertThat(USERS.backend().requests()).isEmpty();
  }

  @Test
  void routesByExactAndWildcardHostAndHeader() throws Exception {
    assertThat(echo(gateway.get("/anything", "host", "shop.example.com"))
        .getString("backend")).isEqualTo("orders");
    assertThat(echo(gateway.get("/anything", "host", "eu.shop.example.com:8080"))
        .getString("backend")).isEqualTo("orders");
    assertThat(echo(gateway.get("/anything", "host", "shop.example.com", "x-canary", "true"))
        .getString("backend")).isEqualTo("users");
    assertThat(gateway.get("/anything", "host", "example.com").statusCode()).isEqualTo(404);
  }

  @Test
  void aHostWithTheTrailingDotOfAnAbsoluteNameMatchesItsRoutes() throws Exception {
    assertThat(echo(gateway.get("/anything", "host", "Shop.Example.com."))
        .getString("backend")).isEqualTo("orders");
    assertThat(echo(gateway.get("/anything", "host", "eu.shop.example.com.:8080"))
        .getString("backend")).isEqualTo("orders");
    HttpResponse<String> twoDots = gateway.get("/anything", "host", "shop.example.com..");
    assertThat(twoDots.statusCode()).isEqualTo(404);
    assertThat(twoDots.headers().firstValue("x-crossgate-error")).hasValue("route_not_found");
  }

  @Test
  void mirrorsACopyMarkedAsMirror() throws Exception {
    echo(gateway.get("/mirrored", "host", "shop.example.com"));
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (MIRROR.backend().requests().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(MIRROR.backend().requests()).hasSize(1);
    assertThat(MIRROR.backend().requests().get(0).uri()).isEqualTo("/mirrored");
    assertThat(MIRROR.backend().requests().get(0).header("x-crossgate-mirror")).isEqualTo("1");
  }

  @Test
  void unknownRouteIsAProblemDocumentWithAReason() throws Exception {
    HttpResponse<String> response = gateway.get("/nowhere");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("content-type")).hasValue(
        "application/problem+json");
    assertThat(response.headers().firstValue("x-crossgate-error")).hasValue("route_not_found");
    JsonObject problem = new JsonObject(response.body());
    assertThat(problem.getInteger("status")).isEqualTo(404);
    assertThat(problem.getString("detail")).contains("/nowhere");
    assertThat(problem.getString("requestId")).isNotBlank();
  }

  @Test
  void headRequestsPassWithoutBody() throws Exception {
    var request = java.net.http.HttpRequest.newBuilder(gateway.uri("/users"))
        .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()).build();
    HttpResponse<String> response = gateway.http.send(request,
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEmpty();
    assertThat(USERS.backend().requests().get(0).method()).isEqualTo("HEAD");
  }
}
