package dev.crossgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.codec.PolicyCodec;
import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.distribution.v1.NodeMessage;
import dev.crossgate.testkit.BackendExtension;
import dev.crossgate.testkit.FakePolicyEngine;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway fed by a (fake, but real-gRPC) policy engine: snapshots are applied and ACKed, bad
 * ones NACKed while the old configuration serves, and the last-known-good file carries the
 * gateway through an engine outage and a restart.
 */
class GatewayControlPlaneTest {

  @RegisterExtension static final BackendExtension APP = new BackendExtension("app");
  @RegisterExtension static final BackendExtension APP2 = new BackendExtension("app2");

  @TempDir Path stateDir;
  FakePolicyEngine engine;
  GatewayServer gateway;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void startEngine() {
    engine = FakePolicyEngine.start();
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    engine.close();
  }

  private GatewayServer startGateway() throws Exception {
    return GatewayServer.start(GatewayOptions.controlPlane(engine.address(), stateDir)
        .withPorts(Map.of("http", 0), 0));
  }

  private static String resources(String prefix, int port) {
    return PolicyCodec.toJson(PolicyLoader.loadString("test.yaml", Yaml.GATEWAY
        + Yaml.service("app", port)
        + Yaml.prefixRoute("app", prefix, "[{name: app}]")).bundleOrThrow());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + gateway.port("http") + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> admin(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + gateway.adminPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private long acks(long revision) {
    return engine.received().stream().filter(NodeMessage::hasAck)
        .filter(m -> m.getAck().getRevision() == revision).count();
  }

  @Test
  void appliesAndAcknowledgesSnapshots() throws Exception {
    engine.publish(1, resources("/one", APP.port()));
    gateway = startGateway();
    Eventually.until("revision 1 ACKed", () -> acks(1) == 1);
    assertThat(engine.received().get(0).getHello().getNodeId()).startsWith("gateway-");
    Eventually.untilPasses(() -> assertThat(get("/one/x").statusCode()).isEqualTo(200));
    assertThat(new JsonObject(admin("/ready").body()).getJsonObject("config")
        .getString("source")).contains("control plane").contains("revision 1");

    engine.publish(2, resources("/two", APP.port()));
    Eventually.until("revision 2 ACKed", () -> acks(2) == 1);
    assertThat(get("/two/x").statusCode()).isEqualTo(200);
    assertThat(get("/one/x").statusCode()).isEqualTo(404);
  }

  @Test
  void refusesAnInvalidSnapshotAndKeepsServing() throws Exception {
    engine.publish(1, resources("/one", APP.port()));
    gateway = startGateway();
    Eventually.until("revision 1 ACKed", () -> acks(1) == 1);
    engine.publish(2, "[{\"kind\": \"HTTPRoute\"}]");
    Eventually.until("revision 2 NACKed", () -> engine.received().stream()
        .anyMatch(m -> m.hasNack() && m.getNack().getRevision() == 2));
    NodeMessage nack = engine.received().stream().filter(NodeMessage::hasNack).findFirst()
        .orElseThrow();
    assertThat(nack.getNack().getReason()).contains("snapshot revision 2").contains("apiVersion");
    assertThat(get("/one/x").statusCode()).isEqualTo(200);
    assertThat(admin("/metrics").body())
        .contains("crossgate_snapshots_total{result=\"refused\"} 1.0");
  }

  @Test
  void keepsServingThroughAnOutageAndReportsItsRevisionOnReconnect() throws Exception {
    engine.publish(7, resources("/one", APP.port()));
    gateway = startGateway();
    Eventually.until("revision 7 ACKed", () -> acks(7) == 1);
    engine.stop();
    Eventually.until("disconnected", () -> admin("/metrics").body()
        .contains("crossgate_control_plane_connected 0.0"));
    for (int i = 0; i < 20; i++) {
      assertThat(get("/one/x").statusCode()).isEqualTo(200);
    }
    engine.restart();
    Eventually.until("a second hello with revision 7", () -> engine.received().stream()
        .filter(NodeMessage::hasHello).anyMatch(m -> m.getHello().getRevision() == 7));
  }

  @Test
  void startsFromTheLastKnownGoodFileWhenTheEngineIsDown() throws Exception {
    engine.publish(3, resources("/saved", APP2.port()));
    gateway = startGateway();
    Eventually.until("revision 3 ACKed", () -> acks(3) == 1);
    Eventually.until("last-known-good written",
        () -> Files.exists(stateDir.resolve("last-known-good.json")));
    gateway.close();
    engine.stop();

    gateway = startGateway();
    HttpResponse<String> response = get("/saved/x");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"backend\":\"app2\"");
    HttpResponse<String> ready = admin("/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(ready.body()).getJsonObject("config").getString("source"))
        .startsWith("last-known-good");
  }

  @Test
  void isNotReadyUntilTheFirstSnapshot() throws Exception {
    gateway = startGateway();
    HttpResponse<String> ready = admin("/ready");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).contains("waiting for the control plane");
    engine.publish(1, resources("/late", APP.port()));
    Eventually.untilPasses(() -> assertThat(admin("/ready").statusCode()).isEqualTo(200));
    Eventually.untilPasses(() -> assertThat(get("/late").statusCode()).isEqualTo(200));
  }
}
