package dev.crossgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.crossgate.testkit.BackendExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * WafPolicy with inline SecRule rules only (no Core Rule Set) through a real gateway: deny rules
 * refuse with 403 {@code waf_blocked}, detect mode logs and passes, exclusions remove rules, and
 * every match is an audit line. Runs everywhere: it needs no CRS corpus.
 */
class WafGatewayTest {

  @RegisterExtension static final BackendExtension APP = new BackendExtension("app");

  @TempDir static Path dir;
  static GatewayFixture gateway;
  static final ListAppender<ILoggingEvent> AUDIT = new ListAppender<>();

  static final String POLICIES = """
      ---
      apiVersion: crossgate.dev/v1alpha1
      kind: WafPolicy
      metadata: {name: shop-block}
      spec:
        targetRefs: [{kind: HTTPRoute, name: shop}]
        mode: block
        exclusions:
          - ruleIds: [1003]
        customRules: |
          SecRule ARGS:cmd "@rx (?i)^(?:rm|wget)\\b" "id:1001,phase:1,deny,status:403,log,msg:'shell command in cmd',logdata:'%{MATCHED_VAR}',tag:'custom'"
          SecRule REQUEST_HEADERS:User-Agent "@contains evilbot" "id:1002,phase:1,deny,log,msg:'bad bot'"
          SecRule REQUEST_URI "@contains /forbidden" "id:1003,phase:1,deny,log,msg:'excluded by the policy'"
      ---
      apiVersion: crossgate.dev/v1alpha1
      kind: WafPolicy
      metadata: {name: lab-detect}
      spec:
        targetRefs: [{kind: HTTPRoute, name: lab}]
        mode: detect
        customRules: |
          SecRule ARGS:cmd "@rx (?i)^(?:rm|wget)\\b" "id:1001,phase:1,deny,log,msg:'shell command in cmd'"
      """;

  @BeforeAll
  static void start() throws Exception {
    Logger audit = (Logger) LoggerFactory.getLogger("crossgate.waf.audit");
    AUDIT.start();
    audit.addAppender(AUDIT);
    gateway = GatewayFixture.start(dir, Yaml.GATEWAY + Yaml.service("app", APP.port())
        + Yaml.prefixRoute("shop", "/shop", "[{name: app}]")
        + Yaml.prefixRoute("lab", "/lab", "[{name: app}]")
        + Yaml.prefixRoute("open", "/open", "[{name: app}]")
        + POLICIES);
  }

  @AfterAll
  static void stop() {
    gateway.close();
    ((Logger) LoggerFactory.getLogger("crossgate.waf.audit")).detachAppender(AUDIT);
  }

  @Test
  void aCustomDenyRuleRefusesWithProblemJsonAndAnAuditLine() throws Exception {
    HttpResponse<String> refused = gateway.get("/shop/run?cmd=rm%20-rf%20/");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.headers().firstValue("x-crossgate-error")).hasValue("waf_blocked");
    assertThat(refused.headers().firstValue("content-type")).hasValue("application/problem+json");
    JsonObject problem = new JsonObject(refused.body());
    assertThat(problem.getInteger("status")).isEqualTo(403);
    assertThat(problem.getString("decidedBy")).isEqualTo("WafPolicy default/shop-block");
    assertThat(problem.getString("detail")).contains("rule 1001");
    String requestId = refused.headers().firstValue("x-request-id").orElseThrow();
    JsonObject audit = awaitAudit(requestId);
    assertThat(audit.getLong("rule_id")).isEqualTo(1001);
    assertThat(audit.getString("msg")).isEqualTo("shell command in cmd");
    assertThat(audit.getString("matched_var_name")).isEqualTo("ARGS:cmd");
    assertThat(audit.getString("data")).isEqualTo("rm -rf /");
    assertThat(audit.getString("mode")).isEqualTo("block");
    JsonObject line = awaitLogLine(requestId);
    assertThat(line.getString("error")).isEqualTo("waf_blocked");
    assertThat(new JsonArray(line.getString("waf_rules"))).containsExactly(1001);
    assertThat(APP.backend().requests()).noneMatch(r -> r.uri().startsWith("/shop/run"));
    assertThat(gateway.metric("crossgate_waf_requests_blocked_total{policy=\"WafPolicy default/shop-block\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(gateway.metric("crossgate_waf_rule_matches_total{rule_id=\"1001\"}"))
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void aHeaderRuleRefusesToo() throws Exception {
    HttpResponse<String> refused = gateway.get("/shop/x", "User-Agent", "evilbot/1.0");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(refused.body()).getString("detail")).contains("rule 1002");
  }

  @Test
  void aBenignRequestPasses() throws Exception {
    HttpResponse<String> ok = gateway.get("/shop/run?cmd=list&page=2");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(APP.backend().requests()).anyMatch(r -> r.uri().equals("/shop/run?cmd=list&page=2"));
    assertThat(gateway.metric("crossgate_waf_requests_inspected_total{policy=\"WafPolicy default/shop-block\"}"))
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void anExcludedRuleNoLongerFires() throws Exception {
    HttpResponse<String> ok = gateway.get("/shop/forbidden");
    assertThat(ok.statusCode()).isEqualTo(200);
    String requestId = ok.headers().firstValue("x-request-id").orElseThrow();
    JsonObject line = awaitLogLine(requestId);
    assertThat(line.getString("waf_rules")).isNull();
  }

  @Test
  void detectModeLogsTheMatchAndPassesTheRequest() throws Exception {
    HttpResponse<String> passed = gateway.get("/lab/run?cmd=wget%20http://x");
    assertThat(passed.statusCode()).isEqualTo(200);
    assertThat(APP.backend().requests()).anyMatch(r -> r.uri().startsWith("/lab/run"));
    String requestId = passed.headers().firstValue("x-request-id").orElseThrow();
    JsonObject audit = awaitAudit(requestId);
    assertThat(audit.getLong("rule_id")).isEqualTo(1001);
    assertThat(audit.getString("mode")).isEqualTo("detect");
    assertThat(audit.getString("policy")).isEqualTo("WafPolicy default/lab-detect");
    assertThat(new JsonArray(awaitLogLine(requestId).getString("waf_rules"))).containsExactly(1001);
  }

  @Test
  void aRouteWithoutAPolicyIsNotInspected() throws Exception {
    HttpResponse<String> passed = gateway.get("/open/run?cmd=rm%20-rf");
    assertThat(passed.statusCode()).isEqualTo(200);
  }

  static JsonObject awaitAudit(String requestId) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      Optional<JsonObject> found = auditLines().stream()
          .filter(json -> requestId.equals(json.getString("request_id"))).findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no audit line for " + requestId + " in " + auditLines());
  }

  private static List<JsonObject> auditLines() {
    synchronized (AUDIT) {
      return List.copyOf(AUDIT.list).stream()
          .map(e -> new JsonObject(e.getFormattedMessage())).toList();
    }
  }

  static JsonObject awaitLogLine(String requestId) throws InterruptedException {
    return awaitLogLineOf(gateway, requestId);
  }

  /** The access-log line of {@code requestId} in {@code gateway}'s log, waiting for it. */
  static JsonObject awaitLogLineOf(GatewayFixture gateway, String requestId)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      Optional<JsonObject> line = gateway.accessLogText().lines().map(JsonObject::new)
          .filter(json -> requestId.equals(json.getString("request_id"))).findFirst();
      if (line.isPresent()) {
        return line.get();
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no access-log line for " + requestId);
  }
}
