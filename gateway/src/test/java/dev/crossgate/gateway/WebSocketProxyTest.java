package dev.crossgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.routing.config.ListenerSettings;
import dev.crossgate.testkit.BackendBehaviors;
import dev.crossgate.testkit.BackendExtension;
import dev.crossgate.testkit.WebSocketEcho;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** WebSockets through the gateway: frames both ways, close codes both ways, idle timeout. */
class WebSocketProxyTest {

  @RegisterExtension static final BackendExtension WS = new BackendExtension("ws");

  @TempDir static Path dir;
  static GatewayFixture gateway;
  static Vertx vertx;
  static WebSocketClient client;
  WebSocketEcho echo;

  @BeforeAll
  static void start() throws Exception {
    gateway = GatewayFixture.start(dir, Yaml.GATEWAY + Yaml.service("ws", WS.port())
            + Yaml.prefixRoute("ws", "/ws", "[{name: ws}]"), Duration.ofSeconds(5),
        options -> options.withListener(ListenerSettings.defaults()
            .withWebSocketIdleTimeout(Duration.ofSeconds(2))));
    vertx = Vertx.vertx();
    client = vertx.createWebSocketClient();
  }

  @AfterAll
  static void stop() throws Exception {
    await(vertx.close());
    gateway.close();
  }

  @BeforeEach
  void echo() {
    echo = BackendBehaviors.webSocketEcho();
    WS.backend().behave(echo);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static WebSocket connect(String path) throws Exception {
    return await(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(gateway.server.port("http")).setURI(path)));
  }

  @Test
  void textAndBinaryFramesFlowBothWays() throws Exception {
    double opened = gateway.metric("crossgate_websocket_connections_total{listener=\"http\"}");
    double toBackend = gateway.metric(
        "crossgate_websocket_bytes_total{direction=\"to_backend\",listener=\"http\"}");
    double toClient = gateway.metric(
        "crossgate_websocket_bytes_total{direction=\"to_client\",listener=\"http\"}");
    WebSocket socket = connect("/ws/echo");
    List<String> texts = new CopyOnWriteArrayList<>();
    List<Buffer> binaries = new CopyOnWriteArrayList<>();
    socket.textMessageHandler(texts::add);
    socket.binaryMessageHandler(binaries::add);
    socket.writeTextMessage("héllo");
    socket.writeBinaryMessage(Buffer.buffer(new byte[] {0, 1, 2, (byte) 255}));
    String big = "x".repeat(200_000);
    socket.writeTextMessage(big);
    Eventually.until("three echoes", () -> texts.size() == 2 && binaries.size() == 1);
    assertThat(texts).containsExactly("héllo", big);
    assertThat(binaries.get(0).getBytes()).containsExactly(0, 1, 2, 255);
    long payload = "héllo".getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 4
        + big.length();
    assertThat(gateway.metric("crossgate_websocket_connections_total{listener=\"http\"}"))
        .isEqualTo(opened + 1);
    assertThat(gateway.metric(
        "crossgate_websocket_bytes_total{direction=\"to_backend\",listener=\"http\"}"))
        .isEqualTo(toBackend + payload);
    assertThat(gateway.metric(
        "crossgate_websocket_bytes_total{direction=\"to_client\",listener=\"http\"}"))
        .isEqualTo(toClient + payload);
    await(socket.close());
  }

  @Test
  void clientCloseCodeAndReasonReachTheBackend() throws Exception {
    WebSocket socket = connect("/ws/close");
    socket.writeTextMessage("ping");
    await(socket.close((short) 4001, "client done"));
    Eventually.until("backend saw the close", () -> !echo.receivedCloseCodes().isEmpty());
    assertThat(echo.receivedCloseCodes()).containsExactly((short) 4001);
    assertThat(echo.receivedCloseReasons()).containsExactly("client done");
    Eventually.until("the close is counted", () -> gateway.metric(
        "crossgate_websocket_closes_total" + "{code=\"4001\",initiator=\"client\",listener=\"http\"}") == 1);
  }

  @Test
  void backendCloseCodeAndReasonReachTheClient() throws Exception {
    WebSocket socket = connect("/ws/close");
    List<Short> codes = new CopyOnWriteArrayList<>();
    List<String> reasons = new CopyOnWriteArrayList<>();
    socket.closeHandler(v -> {
      codes.add(socket.closeStatusCode());
      reasons.add(socket.closeReason());
    });
    socket.writeTextMessage("close 4002 backend done");
    Eventually.until("client saw the close", () -> !codes.isEmpty());
    assertThat(codes).containsExactly((short) 4002);
    assertThat(reasons).containsExactly("backend done");
    Eventually.until("the close is counted", () -> gateway.metric(
        "crossgate_websocket_closes_total" + "{code=\"4002\",initiator=\"backend\",listener=\"http\"}") == 1);
  }

  @Test
  void idleTimeoutClosesBothLegs() throws Exception {
    WebSocket socket = connect("/ws/idle");
    List<Short> codes = new CopyOnWriteArrayList<>();
    socket.closeHandler(v -> codes.add(socket.closeStatusCode()));
    socket.writeTextMessage("silent");
    Eventually.until("client closed by the idle timeout", () -> !codes.isEmpty());
    assertThat(codes).containsExactly((short) 1001);
    Eventually.until("backend closed too", () -> echo.closedCount() == 1);
    assertThat(echo.receivedCloseCodes()).containsExactly((short) 1001);
    Eventually.until("access log names the idle timeout",
        () -> gateway.accessLogText().contains("websocket_idle_timeout"));
    assertThat(gateway.metric("crossgate_websocket_closes_total"
        + "{code=\"1001\",initiator=\"idle\",listener=\"http\"}")).isEqualTo(1);
  }

  @Test
  void backendRefusingTheUpgradeIsRelayed() throws Exception {
    WS.backend().behave(BackendBehaviors.status(403));
    try {
      connect("/ws/refused");
      throw new AssertionError("expected the upgrade to be rejected");
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOfSatisfying(UpgradeRejectedException.class,
          rejected -> assertThat(rejected.getStatus()).isEqualTo(403));
    }
  }

  @Test
  void handshakeHeadersAreTheProxysOwnAndCustomHeadersPass() throws Exception {
    WebSocket socket = await(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(gateway.server.port("http")).setURI("/ws/h").addHeader("x-app", "1")));
    await(socket.close());
    assertThat(echo.handshakeHeaders()).contains("x-app: 1")
        .filteredOn(line -> line.startsWith("sec-websocket-key")).hasSize(1);
  }
}
