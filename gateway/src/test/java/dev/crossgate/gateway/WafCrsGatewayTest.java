package dev.crossgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import dev.crossgate.testkit.BackendExtension;
import dev.crossgate.waf.conformance.CrsSuiteLoader;
import dev.crossgate.waf.conformance.CrsTestCase;
import dev.crossgate.waf.engine.HttpRequestData;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * The OWASP Core Rule Set through a real gateway: PL1 blocking of classic SQL injection (in the
 * query and in form, JSON, multipart and XML bodies) and XSS, exclusions by tag, and CRS regression cases replayed over raw HTTP/1.1 against a detect-only
 * PL4 policy, judged by the rule ids in the access log. Needs the CRS corpus
 * ({@code crossgate.corpora}); the {@code crs-gateway} profile runs it only where it exists.
 */
class WafCrsGatewayTest {

  @RegisterExtension static final BackendExtension APP = new BackendExtension("app");

  @TempDir static Path dir;
  static GatewayFixture gateway;

  static Path crs() {
    return Path.of(System.getProperty("crossgate.corpora", "../../shared/corpora"))
        .resolve("crs-v4.28.0").toAbsolutePath().normalize();
  }

  static String policies() {
    return """
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: WafPolicy
        metadata: {name: shop}
        spec:
          targetRefs: [{kind: HTTPRoute, name: shop}]
          mode: block
          crs: {path: "%1$s", paranoiaLevel: 1}
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: WafPolicy
        metadata: {name: relaxed}
        spec:
          targetRefs: [{kind: HTTPRoute, name: relaxed}]
          mode: block
          crs: {path: "%1$s", paranoiaLevel: 1}
          exclusions:
            - tags: [attack-sqli]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: WafPolicy
        metadata: {name: regression}
        spec:
          targetRefs: [{kind: HTTPRoute, name: everything}]
          mode: detect
          crs: {path: "%1$s", paranoiaLevel: 4}
          exclusions:
            - ruleIds: [910000]
        """.formatted(crs());
  }

  @BeforeAll
  static void start() throws Exception {
    WafAuditLines.APPENDER.isStarted(); // attaches the audit appender before any request
    gateway = GatewayFixture.start(dir, Yaml.GATEWAY + Yaml.service("app", APP.port())
        + Yaml.prefixRoute("shop", "/shop", "[{name: app}]")
        + Yaml.prefixRoute("relaxed", "/relaxed", "[{name: app}]")
        + Yaml.prefixRoute("everything", "/", "[{name: app}]")
        + policies());
  }

  @AfterAll
  static void stop() throws Exception {
    // informational: time in the engine over this class's requests (no assertion on time)
    gateway.admin("/metrics").body().lines().filter(l -> l.startsWith("crossgate_waf_engine"))
        .forEach(System.out::println);
    gateway.close();
  }

  @Test
  void classicSqlInjectionIsBlockedAtParanoiaLevelOne() throws Exception {
    HttpResponse<String> refused = gateway.get("/shop/item?id=1%27%20OR%20%271%27%3D%271");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.headers().firstValue("x-crossgate-error")).hasValue("waf_blocked");
    JsonObject problem = new JsonObject(refused.body());
    assertThat(problem.getString("decidedBy")).isEqualTo("WafPolicy default/shop");
    assertThat(problem.getString("detail")).contains("rule 949110", "942100");
    String requestId = refused.headers().firstValue("x-request-id").orElseThrow();
    JsonObject audit = WafAuditLines.await(requestId, 942100);
    assertThat(audit.getString("matched_var_name")).isEqualTo("ARGS:id");
    assertThat(audit.getString("msg")).containsIgnoringCase("SQL Injection");
    assertThat(audit.getInteger("anomaly_score")).isGreaterThanOrEqualTo(5);
    assertThat(APP.backend().requests()).noneMatch(r -> r.uri().startsWith("/shop/item"));
  }

  @Test
  void crossSiteScriptingIsBlockedAtParanoiaLevelOne() throws Exception {
    HttpResponse<String> refused =
        gateway.get("/shop/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.headers().firstValue("x-crossgate-error")).hasValue("waf_blocked");
    assertThat(new JsonObject(refused.body()).getString("detail")).contains("941100");
    WafAuditLines.await(refused.headers().firstValue("x-request-id").orElseThrow(), 941100);
  }

  @Test
  void theCrsConfigExampleCompilesAgainstAnUnpackedRelease() throws Exception {
    Path example = Path.of("..", "config-examples", "waf", "crs.yaml");
    String yaml = java.nio.file.Files.readString(example);
    assertThat(yaml).contains("path: /usr/share/modsecurity-crs");
    Path copy = dir.resolve("crs-example.yaml");
    java.nio.file.Files.writeString(copy,
        yaml.replace("path: /usr/share/modsecurity-crs", "path: \"" + crs() + "\""));
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      var compiler = new dev.crossgate.routing.config.RoutingConfigCompiler(
          new dev.crossgate.routing.upstream.UpstreamClient(vertx,
              dev.crossgate.routing.upstream.UpstreamClient.Settings.defaults()), List.of());
      var config = new dev.crossgate.routing.config.FileConfigSource(List.of(copy), null,
          compiler, GatewayServer.VALIDATION).load(null);
      assertThat(config.listeners()).containsKey("http");
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void aBenignRequestPasses() throws Exception {
    HttpResponse<String> ok = gateway.get("/shop/item?id=42&sort=price&page=2");
    assertThat(ok.statusCode()).isEqualTo(200);
  }

  @Test
  void aBenignHttp2RequestHasAHostForTheCrs() throws Exception {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      var client = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions()
          .setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2)
          .setHttp2ClearTextUpgrade(false));
      var response = client.request(new io.vertx.core.http.RequestOptions()
              .setHost("127.0.0.1").setPort(gateway.uri("/").getPort())
              .setURI("/shop/item?id=42").setMethod(io.vertx.core.http.HttpMethod.GET)
              .putHeader("user-agent", "test").putHeader("accept", "*/*"))
          .compose(request -> request.send())
          .toCompletionStage().toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(response.version()).isEqualTo(io.vertx.core.http.HttpVersion.HTTP_2);
      assertThat(response.statusCode()).isEqualTo(200);
      JsonObject line = WafGatewayTest.awaitLogLineOf(gateway, response.getHeader("x-request-id"));
      // the engine saw :authority as Host: no 920280 (missing Host), but 920350 (Host is an IP)
      assertThat(new JsonArray(line.getString("waf_rules"))).containsExactly(920350);
    } finally {
      vertx.close().await();
    }
  }

  static Stream<org.junit.jupiter.params.provider.Arguments> sqlInjectionBodies() {
    return Stream.of(
        org.junit.jupiter.params.provider.Arguments.of("application/x-www-form-urlencoded",
            "user=alice&id=1%27%20OR%20%271%27%3D%271", "ARGS:id"),
        org.junit.jupiter.params.provider.Arguments.of("application/json",
            "{\"user\": {\"id\": \"1' OR '1'='1\"}}", "ARGS:json.user.id"),
        org.junit.jupiter.params.provider.Arguments.of("multipart/form-data; boundary=XyZ",
            "--XyZ\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n1' OR '1'='1\r\n"
                + "--XyZ--\r\n", "ARGS:id"),
        org.junit.jupiter.params.provider.Arguments.of("text/xml",
            "<order><id>1' OR '1'='1</id></order>", "XML"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sqlInjectionBodies")
  void sqlInjectionInARequestBodyIsBlockedAtParanoiaLevelOne(String type, String body,
      String variable)
      throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
        .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
    HttpResponse<String> refused = http.send(java.net.http.HttpRequest.newBuilder(
            gateway.uri("/shop/order")).header("content-type", type)
        .header("user-agent", "test").header("accept", "*/*")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
            body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
    assertThat(refused.headers().firstValue("x-crossgate-error")).hasValue("waf_blocked");
    assertThat(new JsonObject(refused.body()).getString("detail")).contains("rule 949110",
        "942100");
    JsonObject audit = WafAuditLines.await(refused.headers().firstValue("x-request-id")
        .orElseThrow(), 942100);
    assertThat(audit.getString("matched_var_name")).startsWith(variable);
    assertThat(APP.backend().requests()).noneMatch(r -> r.uri().startsWith("/shop/order"));
  }

  @Test
  void aBenignJsonBodyPassesUnchanged() throws Exception {
    String json = new JsonObject().put("items", new JsonArray().add(new JsonObject()
        .put("sku", "A-100").put("qty", 2).put("note", "gift wrap, please"))).encode();
    APP.backend().behave(request -> request.body().onSuccess(b -> request.response().end(b)));
    java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
        .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
    HttpResponse<String> ok = http.send(java.net.http.HttpRequest.newBuilder(
            gateway.uri("/shop/order")).header("content-type", "application/json")
        .header("user-agent", "test").header("accept", "*/*")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo(json);
  }

  @Test
  void anExclusionByTagLetsSqlInjectionThroughButNotXss() throws Exception {
    assertThat(gateway.get("/relaxed/item?id=1%27%20OR%20%271%27%3D%271").statusCode())
        .isEqualTo(200);
    assertThat(gateway.get("/relaxed/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        .statusCode()).isEqualTo(403);
  }

  /** CRS regression cases of a few rule families, the first three of each rule. */
  static Stream<CrsTestCase> regressionCases() {
    Path tests = crs().resolve("tests/regression/tests");
    List<String> rules = List.of("913100", "920280", "920350", "930100", "932160", "941100",
        "941110", "942100", "942190", "921110", "922110", "933110", "934100", "944100");
    Map<String, Integer> taken = new java.util.HashMap<>();
    return CrsSuiteLoader.load(tests).stream()
        .filter(t -> rules.contains(t.ruleId()) && t.judged())
        .filter(t -> taken.merge(t.ruleId(), 1, Integer::sum) <= 3);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("regressionCases")
  void aCrsRegressionCaseFiresItsRulesOverRawHttp(CrsTestCase test) throws Exception {
    for (CrsTestCase.Stage stage : test.stages()) {
      String requestId = sendRaw(stage.request());
      JsonObject line = WafGatewayTest.awaitLogLineOf(gateway, requestId);
      List<Long> fired = new ArrayList<>();
      if (line.getString("waf_rules") != null) {
        new JsonArray(line.getString("waf_rules")).forEach(id -> fired.add(((Number) id).longValue()));
      }
      assertThat(fired).as("%s fired", test.name()).containsAll(stage.expect());
      if (!stage.noExpect().isEmpty()) {
        assertThat(fired).as("%s fired", test.name())
            .doesNotContainAnyElementsOf(stage.noExpect());
      }
    }
  }

  /** Sends the request as the suite frames it and returns the gateway's x-request-id. */
  private static String sendRaw(HttpRequestData request) throws Exception {
    StringBuilder head = new StringBuilder();
    head.append(request.method()).append(' ').append(request.uri()).append(' ')
        .append(request.protocol()).append("\r\n");
    boolean close = false;
    for (Map.Entry<String, String> header : request.headers()) {
      head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
      close |= header.getKey().equalsIgnoreCase("connection");
    }
    if (!close) {
      head.append("Connection: close\r\n");
    }
    head.append("\r\n");
    try (Socket socket = new Socket("127.0.0.1", gateway.uri("/").getPort())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (request.body() != null) {
        out.write(request.body());
      }
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
          StandardCharsets.ISO_8859_1));
      String status = in.readLine();
      assertThat(status).as("status line").startsWith("HTTP/1.");
      for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
        if (line.toLowerCase(Locale.ROOT).startsWith("x-request-id:")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
      throw new AssertionError("no x-request-id in the answer to " + request.uri());
    }
  }

  /** The audit lines of the {@code crossgate.waf.audit} logger. */
  static final class WafAuditLines {
    static final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>
        APPENDER = new ch.qos.logback.core.read.ListAppender<>();

    static {
      APPENDER.start();
      ((Logger) LoggerFactory.getLogger("crossgate.waf.audit")).addAppender(APPENDER);
    }

    static JsonObject await(String requestId, long ruleId) throws InterruptedException {
      long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < deadline) {
        List<JsonObject> lines;
        synchronized (APPENDER) {
          lines = List.copyOf(APPENDER.list).stream()
              .map(e -> new JsonObject(e.getFormattedMessage())).toList();
        }
        for (JsonObject line : lines) {
          if (requestId.equals(line.getString("request_id"))
              && line.getLong("rule_id") == ruleId) {
            return line;
          }
        }
        Thread.sleep(20);
      }
      throw new AssertionError("no audit line of rule " + ruleId + " for " + requestId);
    }
  }
}
