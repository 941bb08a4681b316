package dev.crossgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossgate.testkit.BackendBehaviors;
import dev.crossgate.testkit.BackendExtension;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Graceful shutdown and client idle timeouts on the listeners. */
class DrainTest {

  @RegisterExtension static final BackendExtension SLOW = new BackendExtension("slow");

  @TempDir Path dir;

  @Test
  void inFlightRequestFinishesWhileNewConnectionsAreRefused() throws Exception {
    SLOW.backend().behave(BackendBehaviors.delayed(Duration.ofSeconds(2),
        BackendBehaviors.echo("slow")));
    GatewayFixture gateway = GatewayFixture.start(dir, Yaml.GATEWAY
        + Yaml.service("slow", SLOW.port()) + Yaml.prefixRoute("slow", "/", "[{name: slow}]"));
    int port = gateway.server.port("http");
    var inFlight = gateway.http.sendAsync(HttpRequest.newBuilder(gateway.uri("/slow"))
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    Eventually.until("request at the backend", () -> !SLOW.backend().requests().isEmpty());
    CompletableFuture<Void> closing = CompletableFuture.runAsync(gateway::close);
    Eventually.untilPasses(() -> assertThatThrownBy(() -> {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      }
    }).isInstanceOf(IOException.class));
    HttpResponse<String> response = inFlight.get(20, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    closing.get(30, TimeUnit.SECONDS);
  }

  @Test
  void idleClientConnectionsAreClosed() throws Exception {
    GatewayFixture gateway = GatewayFixture.start(dir, Yaml.GATEWAY
        + Yaml.service("slow", SLOW.port()) + Yaml.prefixRoute("slow", "/", "[{name: slow}]"),
        Duration.ofSeconds(5), options -> options.withListener(options.listener()
            .withClientIdleTimeout(Duration.ofMillis(200))));
    try (Socket socket = new Socket("127.0.0.1", gateway.server.port("http"))) {
      socket.setSoTimeout(20_000);
      InputStream in = socket.getInputStream();
      assertThat(in.read()).isEqualTo(-1); // closed by the gateway, not by this test
    } finally {
      gateway.close();
    }
  }
}
