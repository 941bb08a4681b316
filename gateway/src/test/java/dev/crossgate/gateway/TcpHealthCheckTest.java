package dev.crossgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Active health checks of a {@code protocol: TCP} Service probe with a TCP connect: an endpoint
 * nobody listens on turns unhealthy, and turns healthy once a plain TCP server (which would fail
 * any HTTP probe: it closes every connection without a byte) listens there.
 */
class TcpHealthCheckTest {

  @TempDir Path dir;
  GatewayFixture gateway;
  ServerSocket server;

  @AfterEach
  void stop() throws IOException {
    if (gateway != null) {
      gateway.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void tcpServicesAreProbedWithAConnect() throws Exception {
    int port;
    try (ServerSocket reserved = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = reserved.getLocalPort();
    }
    gateway = GatewayFixture.start(dir, """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: edge}
        spec:
          listeners:
            - {name: http, port: 8080, protocol: HTTP}
            - {name: tcp, port: 9000, protocol: TCP}
        """
        + Yaml.service("plain", "TCP", port)
        + "  healthCheck: {interval: 500ms, timeout: 400ms, healthyThreshold: 1,"
        + " unhealthyThreshold: 1}\n"
        + """
        ---
        apiVersion: gateway.networking.k8s.io/v1alpha2
        kind: TCPRoute
        metadata: {name: plain}
        spec:
          parentRefs: [{name: edge, sectionName: tcp}]
          rules:
            - backendRefs: [{name: plain}]
        """,
        Duration.ofSeconds(5), options -> options.withPorts(Map.of("http", 0, "tcp", 0), 0));
    String gauge = "crossgate_endpoint_healthy{backend=\"default/plain\",endpoint=\"127.0.0.1:"
        + port + "\"}";
    Eventually.until("endpoint unhealthy while nothing listens", () -> gateway.metric(gauge) == 0
        && gateway.admin("/metrics").body().contains(gauge));

    server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> {
      while (!server.isClosed()) {
        try (Socket accepted = server.accept()) {
          // closes at once: not an HTTP answer
        } catch (IOException closed) {
          return;
        }
      }
    }, "plain-tcp-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();

    Eventually.until("endpoint healthy once a TCP server listens",
        () -> gateway.metric(gauge) == 1);
    assertThat(gateway.metric("crossgate_health_transitions_total{backend=\"default/plain\","
        + "endpoint=\"127.0.0.1:" + port + "\",healthy=\"true\"}")).isGreaterThanOrEqualTo(1);
  }
}
