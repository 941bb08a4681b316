package dev.crossgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.crossgate.testkit.BackendExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Request-body inspection through a real gateway with inline rules (no CRS, runs everywhere):
 * URL-encoded, JSON, multipart and XML bodies reach phase 2 and a match refuses the request;
 * benign bodies (sized or chunked, with or without {@code Expect: 100-continue}) reach the
 * backend byte for byte; a body over the limit is refused with 413 or inspected by its first
 * bytes and forwarded whole; detect mode forwards and audits.
 */
class WafBodyGatewayTest {

  @RegisterExtension static final BackendExtension APP = new BackendExtension("app");

  @TempDir static Path dir;
  static GatewayFixture gateway;
  static final ListAppender<ILoggingEvent> AUDIT = new ListAppender<>();
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();

  static final String RULES = """
          SecRule ARGS_POST "@detectSQLi" "id:2001,phase:2,deny,log,msg:'SQL injection in the body'"
          SecRule XML:/* "@contains DROP TABLE" "id:2002,phase:2,deny,log,msg:'SQL in XML'"
          SecRule ARGS_POST:cmd "@streq rm" "id:2003,phase:2,deny,log,msg:'rm in the body'"
      """;

  static final String POLICIES = """
      ---
      apiVersion: crossgate.dev/v1alpha1
      kind: WafPolicy
      metadata: {name: bodies}
      spec:
        targetRefs: [{kind: HTTPRoute, name: forms}]
        mode: block
        requestBody: {limit: 4096}
        customRules: |
      %1$s
      ---
      apiVersion: crossgate.dev/v1alpha1
      kind: WafPolicy
      metadata: {name: partial}
      spec:
        targetRefs: [{kind: HTTPRoute, name: partial}]
        mode: block
        requestBody: {limit: 64, limitAction: processPartial}
        customRules: |
      %1$s
      ---
      apiVersion: crossgate.dev/v1alpha1
      kind: WafPolicy
      metadata: {name: watch}
      spec:
        targetRefs: [{kind: HTTPRoute, name: watch}]
        mode: detect
        requestBody: {limit: 64}
        customRules: |
      %1$s
      ---
      apiVersion: crossgate.dev/v1alpha1
      kind: WafPolicy
      metadata: {name: heads}
      spec:
        targetRefs: [{kind: HTTPRoute, name: heads}]
        mode: block
        requestBody: {inspect: false}
        customRules: |
      %1$s
      """.formatted(RULES.indent(4).stripTrailing());

  @BeforeAll
  static void start() throws Exception {
    AUDIT.start();
    ((Logger) LoggerFactory.getLogger("crossgate.waf.audit")).addAppender(AUDIT);
    gateway = GatewayFixture.start(dir, Yaml.GATEWAY + Yaml.service("app", APP.port())
        + Yaml.prefixRoute("forms", "/forms", "[{name: app}]")
        + Yaml.prefixRoute("partial", "/partial", "[{name: app}]")
        + Yaml.prefixRoute("watch", "/watch", "[{name: app}]")
        + Yaml.prefixRoute("heads", "/heads", "[{name: app}]")
        + Yaml.prefixRoute("open", "/open", "[{name: app}]")
        + POLICIES);
  }

  @AfterAll
  static void stop() {
    gateway.close();
    ((Logger) LoggerFactory.getLogger("crossgate.waf.audit")).detachAppender(AUDIT);
  }

  /** The backend answers with the exact body bytes it received. */
  @BeforeEach
  void echoBodies() {
    APP.backend().behave(request -> request.body().onSuccess(body -> request.response()
        .putHeader("x-expect-seen", String.valueOf(request.headers().contains("expect")))
        .end(body)));
  }

  private static HttpResponse<byte[]> post(String path, String contentType, byte[] body,
      boolean chunked, boolean expectContinue) throws Exception {
    HttpRequest.BodyPublisher publisher = chunked
        ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
        : HttpRequest.BodyPublishers.ofByteArray(body);
    HttpRequest request = HttpRequest.newBuilder(gateway.uri(path))
        .timeout(Duration.ofSeconds(20)).header("content-type", contentType)
        .expectContinue(expectContinue).POST(publisher).build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpResponse<byte[]> post(String path, String contentType, String body)
      throws Exception {
    return post(path, contentType, body.getBytes(StandardCharsets.UTF_8), false, false);
  }

  private static void assertBlockedBy(HttpResponse<byte[]> response, long ruleId) {
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.headers().firstValue("x-crossgate-error")).hasValue("waf_blocked");
    JsonObject problem = new JsonObject(new String(response.body(), StandardCharsets.UTF_8));
    assertThat(problem.getString("detail")).contains("rule " + ruleId);
    assertThat(problem.getString("decidedBy")).startsWith("WafPolicy default/");
  }

  @Test
  void sqlInjectionInAUrlEncodedFormBodyIsRefused() throws Exception {
    assertBlockedBy(post("/forms/login", "application/x-www-form-urlencoded",
        "user=alice&password=1%27%20OR%20%271%27%3D%271"), 2001);
    assertThat(APP.backend().requests()).noneMatch(r -> r.uri().startsWith("/forms/login"));
  }

  @Test
  void sqlInjectionInAJsonBodyIsRefused() throws Exception {
    assertBlockedBy(post("/forms/api", "application/json",
        "{\"user\":{\"name\":\"alice\",\"id\":\"1' OR '1'='1\"}}"), 2001);
  }

  @Test
  void sqlInjectionInAMultipartFieldIsRefused() throws Exception {
    String body = """
        --XyZ\r
        Content-Disposition: form-data; name="comment"\r
        \r
        1' OR '1'='1\r
        --XyZ--\r
        """;
    assertBlockedBy(post("/forms/upload", "multipart/form-data; boundary=XyZ", body), 2001);
  }

  @Test
  void anXmlBodyIsParsedForXmlRules() throws Exception {
    assertBlockedBy(post("/forms/soap", "text/xml",
        "<order><note>x; DROP TABLE users</note></order>"), 2002);
  }

  @Test
  void aBodyThatDoesNotParseIsRefusedByTheBodyProcessorRule() throws Exception {
    assertBlockedBy(post("/forms/api", "application/json", "{\"a\": [1, 2"), 200002);
  }

  @Test
  void benignBodiesReachTheBackendByteForByte() throws Exception {
    byte[] json = new byte[3000];
    new Random(7).nextBytes(json); // any bytes: no body processor for octet-stream
    for (boolean chunked : List.of(false, true)) {
      for (boolean expect : List.of(false, true)) {
        HttpResponse<byte[]> ok = post("/forms/blob", "application/octet-stream", json, chunked,
            expect);
        assertThat(ok.statusCode()).as("chunked %s expect %s", chunked, expect).isEqualTo(200);
        assertThat(ok.body()).isEqualTo(json);
        assertThat(ok.headers().firstValue("x-expect-seen")).hasValue("false");
      }
    }
    byte[] form = "user=alice&note=caf%C3%A9+au+lait&tags=a&tags=b"
        .getBytes(StandardCharsets.UTF_8);
    HttpResponse<byte[]> ok = post("/forms/profile", "application/x-www-form-urlencoded", form,
        true, false);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo(form);
  }

  @Test
  void aBodyOverTheLimitIsRefusedWith413() throws Exception {
    byte[] big = "x".repeat(5000).getBytes(StandardCharsets.US_ASCII);
    for (boolean chunked : List.of(false, true)) { // declared length, or found out while reading
      HttpResponse<byte[]> refused = post("/forms/blob", "application/octet-stream", big,
          chunked, false);
      assertThat(refused.statusCode()).as("chunked %s", chunked).isEqualTo(413);
      assertThat(refused.headers().firstValue("x-crossgate-error"))
          .hasValue("payload_too_large");
      JsonObject problem = new JsonObject(new String(refused.body(), StandardCharsets.UTF_8));
      assertThat(problem.getString("decidedBy")).isEqualTo("WafPolicy default/bodies");
      assertThat(problem.getString("detail")).contains("4096 bytes");
    }
  }

  @Test
  void processPartialInspectsTheFirstBytesAndForwardsTheWholeBody() throws Exception {
    String tail = "&pad=" + "y".repeat(300);
    assertBlockedBy(post("/partial/run", "application/x-www-form-urlencoded", "cmd=rm" + tail),
        2003);
    for (boolean chunked : List.of(false, true)) {
      byte[] late = ("pad=" + "y".repeat(300) + "&cmd=rm").getBytes(StandardCharsets.US_ASCII);
      HttpResponse<byte[]> ok = post("/partial/run", "application/x-www-form-urlencoded", late,
          chunked, false);
      assertThat(ok.statusCode()).as("chunked %s", chunked).isEqualTo(200);
      assertThat(ok.body()).isEqualTo(late); // the attack past byte 64 was not seen
      JsonObject line = WafGatewayTest.awaitLogLineOf(gateway,
          ok.headers().firstValue("x-request-id").orElseThrow());
      assertThat(line.getString("waf_body_partial")).isEqualTo("64");
    }
  }

  @Test
  void detectModeForwardsAndAudits() throws Exception {
    byte[] body = "user=bob&password=1%27%20OR%20%271%27%3D%271"
        .getBytes(StandardCharsets.US_ASCII);
    HttpResponse<byte[]> passed = post("/watch/login", "application/x-www-form-urlencoded", body,
        false, false);
    assertThat(passed.statusCode()).isEqualTo(200);
    assertThat(passed.body()).isEqualTo(body);
    String requestId = passed.headers().firstValue("x-request-id").orElseThrow();
    JsonObject line = WafGatewayTest.awaitLogLineOf(gateway, requestId);
    assertThat(new JsonArray(line.getString("waf_rules"))).contains(2001);
    JsonObject audit = awaitAudit(requestId, 2001);
    assertThat(audit.getString("mode")).isEqualTo("detect");
    assertThat(audit.getString("matched_var_name")).isEqualTo("ARGS_POST:password");
    // over the limit in detect mode: the first bytes are inspected, the whole body forwarded
    byte[] big = ("cmd=rm&pad=" + "z".repeat(500)).getBytes(StandardCharsets.US_ASCII);
    HttpResponse<byte[]> large = post("/watch/run", "application/x-www-form-urlencoded", big,
        false, false);
    assertThat(large.statusCode()).isEqualTo(200);
    assertThat(large.body()).isEqualTo(big);
    awaitAudit(large.headers().firstValue("x-request-id").orElseThrow(), 2003);
  }

  @Test
  void withoutBodyInspectionOrWithoutAPolicyTheBodyStreamsUninspected() throws Exception {
    byte[] attack = "cmd=rm".getBytes(StandardCharsets.US_ASCII);
    for (String path : List.of("/heads/run", "/open/run")) {
      HttpResponse<byte[]> ok = post(path, "application/x-www-form-urlencoded", attack, true,
          false);
      assertThat(ok.statusCode()).as(path).isEqualTo(200);
      assertThat(ok.body()).isEqualTo(attack);
    }
    byte[] big = new byte[1 << 20]; // no WafPolicy: no limit of the WAF's
    new Random(3).nextBytes(big);
    HttpResponse<byte[]> ok = post("/open/blob", "application/octet-stream", big, true, false);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo(big);
  }

  private static JsonObject awaitAudit(String requestId, long ruleId)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      List<JsonObject> lines;
      synchronized (AUDIT) {
        lines = List.copyOf(AUDIT.list).stream()
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
