package dev.crossgate.policy.server.api;

import static dev.crossgate.policy.server.store.TestPolicies.gateway;
import static dev.crossgate.policy.server.store.TestPolicies.route;
import static dev.crossgate.policy.server.store.TestPolicies.service;
import static dev.crossgate.policy.server.store.TestPolicies.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REST API against a real engine on port 0, over the JDK HTTP client. */
class PolicyApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BASE = yaml(gateway(), service("users", 9001), service("orders", 9002));

  @TempDir Path data;
  PolicyServer server;
  String token;
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void start() throws Exception {
    PrintStream out = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      server = PolicyServer.start(
          PolicyServerOptions.defaults(data).withApi("127.0.0.1", 0).withDistributionPort(0)
              .withBodyLimit(64 * 1024));
    } finally {
      System.setOut(out);
    }
    String printed = captured.toString(StandardCharsets.UTF_8);
    assertThat(printed).contains("API token: ").contains("(stored in ");
    token = Files.readString(data.resolve("tokens/admin.token")).strip();
    assertThat(printed).contains(token);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void theTokenIsStoredOwnerOnlyAndPrintedOnlyOnce() throws Exception {
    Path file = data.resolve("tokens/admin.token");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(token).matches("[A-Za-z0-9_-]{43}");
    server.close();
    PrintStream out = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      server = PolicyServer.start(PolicyServerOptions.defaults(data).withApi("127.0.0.1", 0)
          .withDistributionPort(0));
    } finally {
      System.setOut(out);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain("API token");
    assertThat(send(get("/api/v1/status")).statusCode()).isEqualTo(200);
  }

  @Test
  void missingOrWrongTokenIs401WithBearerChallenge() throws Exception {
    for (HttpRequest request : new HttpRequest[] {
        HttpRequest.newBuilder(uri("/api/v1/status")).build(),
        HttpRequest.newBuilder(uri("/api/v1/status")).header("Authorization", "Bearer wrong").build(),
        HttpRequest.newBuilder(uri("/api/v1/status")).header("Authorization", "Basic " + token).build()}) {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      assertProblem(response, 401, "unauthorized");
      assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    }
  }

  @Test
  void aCreatedTokenAuthenticatesAuthorsRevisionsAndCanBeRevoked() throws Exception {
    HttpResponse<String> created = send(postToken("{\"name\": \"ci\"}"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String ci = json(created).get("token").asText();
    assertThat(ci).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(token);
    // Only a digest is kept: the plaintext is in no file under the data directory.
    try (var files = Files.walk(data)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1))
            .as(file.toString()).doesNotContain(ci);
      }
    }
    HttpResponse<String> applied = client.send(HttpRequest.newBuilder(uri("/api/v1/apply"))
        .header("Authorization", "Bearer " + ci).header("Content-Type", "application/yaml")
        .POST(HttpRequest.BodyPublishers.ofString(BASE)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(json(applied).at("/revision/author").asText()).isEqualTo("ci");
    assertThat(json(send(get("/api/v1/tokens"))).get("tokens").toString())
        .isEqualTo("[\"admin\",\"ci\"]");

    assertProblem(send(postToken("{\"name\": \"ci\"}")), 409, "token_exists");
    assertThat(json(send(authorized("/api/v1/tokens/ci").DELETE().build())).get("revoked")
        .asInt()).isEqualTo(1);
    assertProblem(client.send(HttpRequest.newBuilder(uri("/api/v1/status"))
        .header("Authorization", "Bearer " + ci).build(), HttpResponse.BodyHandlers.ofString()),
        401, "unauthorized");
    assertProblem(send(authorized("/api/v1/tokens/ci").DELETE().build()), 404, "not_found");
  }

  @Test
  void badTokenRequestsArePreciseAndCreateNothing() throws Exception {
    JsonNode problem = assertProblem(send(postToken("{\"name\": \"Bad Name\"}")), 400,
        "bad_request");
    assertThat(problem.get("detail").asText()).contains("name: Bad Name")
        .contains("expected: 1-63 lowercase letters");
    assertThat(assertProblem(send(postToken("not json")), 400, "malformed_body")
        .get("detail").asText()).contains("expected: {\"name\": \"ci\"}");
    assertProblem(send(postToken("{\"name\": 7}")), 400, "malformed_body");
    assertProblem(send(postToken("")), 400, "malformed_body");
    assertThat(json(send(get("/api/v1/tokens"))).get("tokens").toString())
        .isEqualTo("[\"admin\"]");
  }

  private HttpRequest postToken(String body) {
    return authorized("/api/v1/tokens").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  @Test
  void applyYamlMakesARevisionAuthoredByTheToken() throws Exception {
    HttpResponse<String> response = send(apply(BASE, "application/yaml", "?message=initial"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("ETag")).hasValue("\"1\"");
    JsonNode body = json(response);
    assertThat(body.at("/revision/number").asLong()).isEqualTo(1);
    assertThat(body.at("/revision/author").asText()).isEqualTo("admin");
    assertThat(body.at("/revision/message").asText()).isEqualTo("initial");
    assertThat(body.at("/revision/created").asInt()).isEqualTo(3);
    assertThat(body.at("/changed").asBoolean()).isTrue();
    assertThat(body.at("/changes/0/change").asText()).isEqualTo("added");
  }

  @Test
  void applyResolvesReferencesToStoredResourcesAndAcceptsJson() throws Exception {
    send(apply(BASE, "application/yaml", ""));
    String routeJson = JSON.writeValueAsString(
        JSON.readTree(dev.crossgate.policy.codec.PolicyCodec.toJson(
            PolicyLoader.loadString("x.yaml", yaml(BASE, route("users", "/users", "users"))).bundleOrThrow()))
            .get(3));

    HttpResponse<String> response = send(apply(routeJson, "application/json", ""));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(json(response).at("/revision/number").asLong()).isEqualTo(2);
    assertThat(json(response).at("/revision/created").asInt()).isEqualTo(1);
  }

  @Test
  void applyingTheSameBatchAgainMakesNoRevision() throws Exception {
    send(apply(BASE, "application/yaml", ""));
    HttpResponse<String> again = send(apply(BASE, "application/yaml", ""));
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(json(again).at("/changed").asBoolean()).isFalse();
    assertThat(json(again).at("/revision/number").asLong()).isEqualTo(1);
  }

  @Test
  void anInvalidBatchNamesEveryProblemWithItsLineAndStoresNothing() throws Exception {
    send(apply(BASE, "application/yaml", ""));
    String bad = yaml(route("a", "/a", "missing-one"), route("b", "/b", "missing-two"));

    HttpResponse<String> response = send(apply(bad, "application/yaml", ""));

    JsonNode body = assertProblem(response, 422, "invalid_policy");
    assertThat(body.get("problems")).hasSize(2);
    JsonNode first = body.get("problems").get(0);
    assertThat(first.get("source").asText()).isEqualTo("request.yaml");
    assertThat(first.get("resource").asText()).isEqualTo("HTTPRoute shop/a");
    assertThat(first.get("line").asInt()).isEqualTo(17);
    assertThat(first.get("path").asText()).startsWith("spec.rules[0].backendRefs[0]");
    assertThat(first.get("message").asText()).contains("missing-one");
    assertThat(body.get("problems").get(1).get("line").asInt()).isEqualTo(18 + 17);
    assertThat(json(send(get("/api/v1/status"))).at("/revision/number").asLong()).isEqualTo(1);
    assertThat(json(send(get("/api/v1/resources?kind=HTTPRoute")))).isEmpty();
  }

  @Test
  void aRouteChangedToConflictWithAStoredRouteIsRefusedNamingBoth() throws Exception {
    send(apply(yaml(BASE, route("a", "/a", "users"), route("b", "/b", "orders")), "application/yaml", ""));

    HttpResponse<String> response = send(apply(route("b", "/a", "orders"), "application/yaml", ""));

    JsonNode body = assertProblem(response, 422, "invalid_policy");
    assertThat(body.get("problems")).hasSize(1);
    JsonNode problem = body.get("problems").get(0);
    assertThat(problem.get("source").asText()).isEqualTo("stored policy");
    assertThat(problem.get("resource").asText()).isEqualTo("HTTPRoute shop/a");
    assertThat(problem.get("path").asText()).isEqualTo("spec.rules[0].matches[0]");
    assertThat(problem.get("message").asText())
        .isEqualTo("conflicts with HTTPRoute shop/b spec.rules[0].matches[0] (request.yaml:13):"
            + " both match PathPrefix /a for host * (expected: matches that differ in hostname,"
            + " path, method, headers or query parameters on the same gateway)");
    assertThat(json(send(get("/api/v1/status"))).at("/revision/number").asLong()).isEqualTo(1);
  }

  @Test
  void deletingARouteAPolicyTargetsIsRefusedNamingThePolicy() throws Exception {
    String policy = """
        apiVersion: crossgate.dev/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: no-admin, namespace: shop}
        spec:
          targetRefs: [{kind: HTTPRoute, name: a}]
          action: DENY
          rules: [{to: [{operation: {paths: [/a/admin]}}]}]
        """;
    send(apply(yaml(BASE, route("a", "/a", "users"), policy), "application/yaml", ""));

    HttpResponse<String> response = send(authorized("/api/v1/resources/HTTPRoute/shop/a").DELETE().build());

    JsonNode body = assertProblem(response, 422, "invalid_policy");
    assertThat(body.get("problems")).hasSize(1);
    JsonNode problem = body.get("problems").get(0);
    assertThat(problem.get("resource").asText()).isEqualTo("AuthorizationPolicy shop/no-admin");
    assertThat(problem.get("path").asText()).isEqualTo("spec.targetRefs[0].name");
    assertThat(problem.get("message").asText())
        .isEqualTo("a (expected: an existing HTTPRoute in namespace shop; known: none)");
    assertThat(send(get("/api/v1/resources/HTTPRoute/shop/a")).statusCode()).isEqualTo(200);
  }

  @Test
  void malformedYamlAndJsonAre400NamingLineAndColumn() throws Exception {
    HttpResponse<String> yamlResponse = send(apply("kind: Service\nmetadata: [unclosed\n", "application/yaml", ""));
    JsonNode yamlProblem = assertProblem(yamlResponse, 400, "malformed_body");
    assertThat(yamlProblem.at("/problems/0/message").asText()).contains("line").contains("column");

    HttpResponse<String> jsonResponse = send(apply("{\"kind\": \"Service\",\n \"metadata\": }", "application/json", ""));
    JsonNode jsonProblem = assertProblem(jsonResponse, 400, "malformed_body");
    assertThat(jsonProblem.at("/problems/0/line").asInt()).isEqualTo(2);
    assertThat(jsonProblem.at("/problems/0/message").asText()).contains("column");

    assertProblem(send(apply("", "application/yaml", "")), 400, "malformed_body");
  }

  @Test
  void unsupportedContentTypeIs415() throws Exception {
    assertProblem(send(apply(BASE, "text/plain", "")), 415, "unsupported_media_type");
    HttpRequest noType = HttpRequest.newBuilder(uri("/api/v1/apply"))
        .header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.ofString(BASE)).build();
    assertProblem(send(noType), 415, "unsupported_media_type");
  }

  @Test
  void anOversizedBodyIs413() throws Exception {
    String huge = "# " + "x".repeat(100 * 1024) + "\n" + BASE;
    assertProblem(send(apply(huge, "application/yaml", "")), 413, "payload_too_large");
  }

  @Test
  void dryRunReturnsTheDiffAndStoresNothing() throws Exception {
    send(apply(BASE, "application/yaml", ""));

    HttpResponse<String> response = send(apply(service("users", 9100), "application/yaml", "?dryRun=true"));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = json(response);
    assertThat(body.get("dryRun").asBoolean()).isTrue();
    assertThat(body.get("valid").asBoolean()).isTrue();
    assertThat(body.get("baseRevision").asLong()).isEqualTo(1);
    assertThat(body.at("/changes/0/change").asText()).isEqualTo("changed");
    assertThat(body.at("/changes/0/before/spec/endpoints/0/port").asInt()).isEqualTo(9001);
    assertThat(body.at("/changes/0/after/spec/endpoints/0/port").asInt()).isEqualTo(9100);
    assertThat(json(send(get("/api/v1/status"))).at("/revision/number").asLong()).isEqualTo(1);

    assertProblem(send(apply(route("a", "/a", "nope"), "application/yaml", "?dryRun=true")), 422, "invalid_policy");
  }

  @Test
  void aStaleIfMatchIs409NamingTheCurrentRevision() throws Exception {
    send(apply(BASE, "application/yaml", ""));
    send(apply(service("users", 9100), "application/yaml", ""));

    HttpRequest stale = HttpRequest.newBuilder(uri("/api/v1/apply"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/yaml")
        .header("If-Match", "\"1\"").POST(HttpRequest.BodyPublishers.ofString(service("users", 9200))).build();
    JsonNode problem = assertProblem(send(stale), 409, "revision_conflict");
    assertThat(problem.get("detail").asText()).contains("current revision is 2");

    HttpRequest fresh = HttpRequest.newBuilder(uri("/api/v1/apply"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/yaml")
        .header("If-Match", "2").POST(HttpRequest.BodyPublishers.ofString(service("users", 9200))).build();
    assertThat(send(fresh).statusCode()).isEqualTo(200);

    HttpRequest garbage = HttpRequest.newBuilder(uri("/api/v1/apply"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/yaml")
        .header("If-Match", "yesterday").POST(HttpRequest.BodyPublishers.ofString(BASE)).build();
    assertProblem(send(garbage), 400, "bad_request");
  }

  @Test
  void listFiltersAndSpeaksJsonAndYaml() throws Exception {
    send(apply(BASE, "application/yaml", ""));

    HttpResponse<String> all = send(get("/api/v1/resources"));
    assertThat(all.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(json(all)).hasSize(3);
    assertThat(json(send(get("/api/v1/resources?kind=Service")))).hasSize(2);
    assertThat(json(send(get("/api/v1/resources?namespace=other")))).isEmpty();
    JsonNode selected = json(send(get("/api/v1/resources?labelSelector=app%3Dorders,tier%3Dbackend")));
    assertThat(selected).hasSize(1);
    assertThat(selected.at("/0/metadata/name").asText()).isEqualTo("orders");
    assertProblem(send(get("/api/v1/resources?labelSelector=%3Dx")), 400, "bad_request");

    HttpResponse<String> yamlList = send(HttpRequest.newBuilder(uri("/api/v1/resources"))
        .header("Authorization", "Bearer " + token).header("Accept", "application/yaml").build());
    assertThat(yamlList.headers().firstValue("Content-Type")).hasValue("application/yaml");
    assertThat(yamlList.body()).startsWith("---").contains("kind: \"Service\"");
    // What we write reads back: YAML output is valid input.
    assertThat(PolicyLoader.loadString("out.yaml", yamlList.body()).problems()).isEmpty();
  }

  @Test
  void getOneResourceOr404() throws Exception {
    send(apply(BASE, "application/yaml", ""));
    HttpResponse<String> found = send(get("/api/v1/resources/Service/shop/users"));
    assertThat(found.statusCode()).isEqualTo(200);
    assertThat(json(found).at("/spec/endpoints/0/port").asInt()).isEqualTo(9001);
    assertThat(json(found).at("/metadata/creationTimestamp").isTextual()).isTrue();
    assertProblem(send(get("/api/v1/resources/Service/shop/nope")), 404, "not_found");
  }

  @Test
  void deleteMakesARevisionAnd404sWhenAbsent() throws Exception {
    send(apply(BASE, "application/yaml", ""));
    HttpResponse<String> deleted = send(authorized("/api/v1/resources/Service/shop/orders").DELETE().build());
    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(json(deleted).at("/revision/number").asLong()).isEqualTo(2);
    assertThat(json(deleted).at("/revision/deleted").asInt()).isEqualTo(1);
    assertThat(json(deleted).at("/revision/message").asText()).isEqualTo("delete Service shop/orders");
    assertProblem(send(authorized("/api/v1/resources/Service/shop/orders").DELETE().build()), 404, "not_found");
  }

  @Test
  void historyIsNewestFirst() throws Exception {
    send(apply(BASE, "application/yaml", "?message=one"));
    send(apply(service("users", 9100), "application/yaml", "?message=two"));
    send(apply(service("users", 9200), "application/yaml", "?message=three"));

    JsonNode history = json(send(get("/api/v1/revisions")));
    assertThat(history.get("revisions")).extracting(r -> r.get("message").asText()).containsExactly("three", "two", "one");
    JsonNode page = json(send(get("/api/v1/revisions?limit=1&before=3")));
    assertThat(page.get("revisions")).extracting(r -> r.get("number").asLong()).containsExactly(2L);
    assertProblem(send(get("/api/v1/revisions?limit=0")), 400, "bad_request");

    JsonNode second = json(send(get("/api/v1/revisions/2")));
    assertThat(second.at("/revision/message").asText()).isEqualTo("two");
    assertThat(second.get("resources")).hasSize(3);
    assertProblem(send(get("/api/v1/revisions/9")), 404, "not_found");
    assertProblem(send(get("/api/v1/revisions/abc")), 400, "bad_request");
  }

  @Test
  void diffAndRollback() throws Exception {
    send(apply(BASE, "application/yaml", ""));
    send(apply(service("users", 9100), "application/yaml", ""));
    send(authorized("/api/v1/resources/Service/shop/orders").DELETE().build());

    JsonNode diff = json(send(get("/api/v1/diff?from=1&to=3")));
    assertThat(diff.get("changes")).extracting(c -> c.get("name").asText() + " " + c.get("change").asText())
        .containsExactly("orders removed", "users changed");
    assertThat(diff.at("/changes/0/after").isNull()).isTrue();
    assertThat(diff.at("/changes/1/before/spec/endpoints/0/port").asInt()).isEqualTo(9001);
    assertThat(json(send(get("/api/v1/diff?from=1"))).get("to").asLong()).isEqualTo(3);
    assertProblem(send(get("/api/v1/diff")), 400, "bad_request");

    HttpResponse<String> rollback = send(authorized("/api/v1/rollback?to=1").POST(HttpRequest.BodyPublishers.noBody()).build());
    assertThat(rollback.statusCode()).isEqualTo(200);
    assertThat(json(rollback).at("/revision/number").asLong()).isEqualTo(4);
    assertThat(json(rollback).at("/revision/message").asText()).isEqualTo("rollback to revision 1");
    assertThat(json(send(get("/api/v1/diff?from=1&to=4"))).get("changes")).isEmpty();
    assertProblem(send(authorized("/api/v1/rollback?to=99").POST(HttpRequest.BodyPublishers.noBody()).build()), 404, "not_found");
  }

  @Test
  void statusShowsTheRevisionAndNoNodesYet() throws Exception {
    send(apply(BASE, "application/yaml", ""));
    JsonNode status = json(send(get("/api/v1/status")));
    assertThat(status.at("/revision/number").asLong()).isEqualTo(1);
    assertThat(status.get("nodes")).isEmpty();
    HttpResponse<String> yamlStatus = send(HttpRequest.newBuilder(uri("/api/v1/status"))
        .header("Authorization", "Bearer " + token).header("Accept", "application/yaml").build());
    assertThat(yamlStatus.body()).contains("revision:").contains("number: 1");
  }

  @Test
  void unknownRoutesAre404AndWrongMethods405() throws Exception {
    assertProblem(send(get("/api/v1/nothing-here")), 404, "not_found");
    assertProblem(send(get("/elsewhere")), 404, "not_found");
    assertProblem(send(get("/api/v1/apply")), 405, "method_not_allowed");
    assertProblem(send(authorized("/api/v1/status").DELETE().build()), 405, "method_not_allowed");
  }

  // ---- helpers

  @Test
  void servesJsonSchemasWithoutAToken() throws Exception {
    HttpResponse<String> one = send(HttpRequest.newBuilder(uri("/api/v1/schemas/HTTPRoute"))
        .build());
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(json(one).path("$schema").asText()).contains("2020-12");
    HttpResponse<String> all = send(HttpRequest.newBuilder(uri("/api/v1/schemas")).build());
    assertThat(json(all).has("MeshMigration")).isTrue();
    HttpResponse<String> unknown = send(HttpRequest.newBuilder(uri("/api/v1/schemas/HttpRute"))
        .build());
    assertProblem(unknown, 404, "unknown_kind");
    assertThat(json(unknown).path("detail").asText()).contains("HTTPRoute");
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.apiPort() + path);
  }

  private HttpRequest.Builder authorized(String path) {
    return HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30));
  }

  private HttpRequest get(String path) {
    return authorized(path).GET().build();
  }

  private HttpRequest apply(String body, String contentType, String query) {
    return authorized("/api/v1/apply" + query).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  private HttpResponse<String> send(HttpRequest request) throws Exception {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }

  private static JsonNode assertProblem(HttpResponse<String> response, int status, String reason) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(response.headers().firstValue("x-crossgate-error")).hasValue(reason);
    JsonNode body = json(response);
    assertThat(body.get("status").asInt()).isEqualTo(status);
    assertThat(body.get("type").asText()).startsWith("https://crossgate.dev/problems/");
    assertThat(body.get("title").asText()).isNotBlank();
    assertThat(body.get("detail").asText()).isNotBlank();
    return body;
  }
}
