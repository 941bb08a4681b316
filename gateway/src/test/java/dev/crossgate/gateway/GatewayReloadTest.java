package dev.crossgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossgate.testkit.BackendExtension;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Hot reload: valid changes are applied live, invalid ones refused while the old ones serve. */
class GatewayReloadTest {

  private static final String SUCCESS = "crossgate_config_reloads_total{result=\"success\"}";
  private static final String FAILURE = "crossgate_config_reloads_total{result=\"failure\"}";

  @RegisterExtension static final BackendExtension USERS = new BackendExtension("users");
  @RegisterExtension static final BackendExtension ORDERS = new BackendExtension("orders");

  @TempDir Path dir;
  GatewayFixture gateway;

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private static String usersOnly() {
    return Yaml.GATEWAY + Yaml.service("users", USERS.port())
        + Yaml.prefixRoute("users", "/users", "[{name: users}]");
  }

  private static String usersAndOrders() {
    return usersOnly() + Yaml.service("orders", ORDERS.port())
        + Yaml.prefixRoute("orders", "/orders", "[{name: orders}]");
  }

  private String version() throws Exception {
    HttpResponse<String> dump = gateway.admin("/config_dump");
    assertThat(dump.statusCode()).isEqualTo(200);
    return new JsonObject(dump.body()).getString("version");
  }

  @Test
  void addedRouteIsServedAfterReload() throws Exception {
    gateway = GatewayFixture.start(dir, usersOnly());
    String before = version();
    double successes = gateway.metric(SUCCESS);
    assertThat(gateway.get("/orders/1").statusCode()).isEqualTo(404);

    gateway.rewriteConfig(usersAndOrders());

    Eventually.untilPasses(() -> {
      HttpResponse<String> response = gateway.get("/orders/1");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("x-backend")).hasValue("orders");
    });
    assertThat(version()).isNotEqualTo(before).isEqualTo(gateway.server.config().version());
    Eventually.untilPasses(() -> assertThat(gateway.metric(SUCCESS)).isEqualTo(successes + 1));
    assertThat(gateway.get("/users/1").statusCode()).isEqualTo(200);
  }

  @Test
  void invalidChangesAreRefusedAndTheOldRoutesKeepServing() throws Exception {
    gateway = GatewayFixture.start(dir, usersOnly());
    String before = version();
    double failures = gateway.metric(FAILURE);

    gateway.rewriteConfig(Yaml.GATEWAY + Yaml.service("users", USERS.port())
        + Yaml.prefixRoute("users", "/users", "[{name: users, weight: -1}]"));
    Eventually.untilPasses(() -> assertThat(gateway.metric(FAILURE)).isEqualTo(failures + 1));
    assertServesUsers();
    assertThat(version()).isEqualTo(before);

    gateway.rewriteConfig(usersOnly() + "---\nkind: [unclosed\n  spec: {\n");
    Eventually.untilPasses(() -> assertThat(gateway.metric(FAILURE)).isEqualTo(failures + 2));
    assertServesUsers();
    assertThat(version()).isEqualTo(before);
    assertThat(gateway.metric(FAILURE)).as("a refused file is counted once")
        .isEqualTo(failures + 2);

    gateway.rewriteConfig(usersAndOrders());
    Eventually.untilPasses(() -> assertThat(gateway.get("/orders").statusCode()).isEqualTo(200));
    assertThat(version()).isNotEqualTo(before);
    assertServesUsers();
  }

  private void assertServesUsers() throws Exception {
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> response = gateway.get("/users/" + i);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }
  }

  @Test
  void changedListenerPortIsRebound() throws Exception {
    int first = freePort();
    int second = freePort();
    gateway = GatewayFixture.start(dir, twoListeners(first) + Yaml.service("users", USERS.port())
        + Yaml.prefixRoute("users", "/users", "[{name: users}]"));
    assertThat(gateway.server.port("extra")).isEqualTo(first);
    assertThat(status(first, "/users")).isEqualTo(200);

    gateway.rewriteConfig(twoListeners(second) + Yaml.service("users", USERS.port())
        + Yaml.prefixRoute("users", "/users", "[{name: users}]"));

    Eventually.untilPasses(() -> {
      assertThat(gateway.server.port("extra")).isEqualTo(second);
      assertThat(status(second, "/users")).isEqualTo(200);
    });
    Eventually.untilPasses(() -> assertThatThrownBy(
        () -> new Socket("127.0.0.1", first).close()).isInstanceOf(ConnectException.class));
    assertThat(gateway.get("/users").statusCode()).isEqualTo(200);
  }

  private static String twoListeners(int extraPort) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: edge}
        spec:
          listeners:
            - {name: http, port: 8080, protocol: HTTP}
            - {name: extra, port: %d, protocol: HTTP}
        """.formatted(extraPort);
  }

  private int status(int port, String path) throws Exception {
    return gateway.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void inFlightRequestFinishesOnTheConfigurationItStartedWith() throws Exception {
    gateway = GatewayFixture.start(dir, usersAndOrders());
    CompletableFuture<Runnable> arrived = new CompletableFuture<>();
    ORDERS.backend().behave(request -> {
      Context context = Vertx.currentContext();
      request.endHandler(v -> arrived.complete(() -> context.runOnContext(
          x -> request.response().putHeader("x-backend", "orders").end("answered late"))));
    });
    CompletableFuture<HttpResponse<String>> inFlight = gateway.http.sendAsync(
        HttpRequest.newBuilder(gateway.uri("/orders/slow")).timeout(Duration.ofSeconds(30))
            .build(), HttpResponse.BodyHandlers.ofString());
    Runnable release = arrived.get(10, TimeUnit.SECONDS);

    String before = version();
    gateway.rewriteConfig(usersOnly());
    Eventually.untilPasses(() -> assertThat(version()).isNotEqualTo(before));
    HttpResponse<String> during = gateway.get("/orders/next");
    assertThat(during.statusCode()).isEqualTo(404);
    assertThat(inFlight).isNotDone();

    release.run();
    HttpResponse<String> response = inFlight.get(10, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("answered late");
    HttpResponse<String> next = gateway.get("/orders/after");
    assertThat(next.statusCode()).isEqualTo(404);
    assertThat(next.headers().firstValue("x-crossgate-error")).hasValue("route_not_found");
    assertThat(ORDERS.backend().requests()).hasSize(1);
  }
}
