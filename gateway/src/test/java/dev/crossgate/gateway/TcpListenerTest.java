package dev.crossgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.testkit.TcpEchoBackend;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Gateway with an HTTP and two TCP listeners: bytes on a TCP listener go to the backend of the
 * TCPRoute attached to it and back; a TCP listener whose backend is down closes the client.
 */
class TcpListenerTest {

  @TempDir static Path dir;
  static TcpEchoBackend echo;
  static GatewayFixture gateway;
  static java.net.Socket deadSocket;

  @BeforeAll
  static void start() throws Exception {
    echo = TcpEchoBackend.start();
    // held bound but not listening: connects are refused, and no other socket can take the port
    deadSocket = new java.net.Socket();
    deadSocket.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
    int deadPort = deadSocket.getLocalPort();
    gateway = GatewayFixture.start(dir, """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: edge}
        spec:
          listeners:
            - {name: http, port: 8080, protocol: HTTP}
            - {name: tcp, port: 9000, protocol: TCP}
            - {name: dead, port: 9001, protocol: TCP}
        """
        + Yaml.service("echo", "TCP", echo.port())
        + Yaml.service("dead", "TCP", deadPort)
        + tcpRoute("echo", "tcp", "echo")
        + tcpRoute("dead", "dead", "dead"),
        Duration.ofSeconds(5),
        options -> options.withPorts(Map.of("http", 0, "tcp", 0, "dead", 0), 0));
  }

  private static String tcpRoute(String name, String listener, String service) {
    return """
        ---
        apiVersion: gateway.networking.k8s.io/v1alpha2
        kind: TCPRoute
        metadata: {name: %s}
        spec:
          parentRefs: [{name: edge, sectionName: %s}]
          rules:
            - backendRefs: [{name: %s}]
        """.formatted(name, listener, service);
  }

  @AfterAll
  static void stop() throws Exception {
    deadSocket.close();
    gateway.close();
    echo.close();
  }

  @Test
  void bytesEchoThroughTheTcpListener() throws Exception {
    double opened = gateway.metric("crossgate_tcp_connections_total{listener=\"tcp\"}");
    double toBackend = gateway.metric(
        "crossgate_tcp_bytes_total{direction=\"to_backend\",listener=\"tcp\"}");
    try (Socket socket = new Socket("127.0.0.1", gateway.server.port("tcp"))) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      byte[] sent = "hello over tcp\n".getBytes(StandardCharsets.UTF_8);
      out.write(sent);
      out.flush();
      assertThat(in.readNBytes(sent.length)).isEqualTo(sent);
      out.write(sent);
      out.flush();
      assertThat(in.readNBytes(sent.length)).isEqualTo(sent);
    }
    assertThat(echo.accepted()).isPositive();
    assertThat(gateway.metric("crossgate_tcp_connections_total{listener=\"tcp\"}"))
        .isEqualTo(opened + 1);
    assertThat(gateway.metric(
        "crossgate_tcp_bytes_total{direction=\"to_backend\",listener=\"tcp\"}"))
        .isEqualTo(toBackend + 30);
    Eventually.until("the connection is counted closed", () -> gateway.metric(
        "crossgate_tcp_connections_open{listener=\"tcp\"}") == 0);
  }

  @Test
  void backendDownClosesTheClientConnection() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", gateway.server.port("dead"))) {
      socket.setSoTimeout(20_000);
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
    Eventually.until("the connect failure is counted", () -> gateway.metric(
        "crossgate_tcp_closes_total{code=\"none\",initiator=\"connect_failed\","
            + "listener=\"dead\"}") >= 1);
  }

  @Test
  void httpListenerStillServes() throws Exception {
    assertThat(gateway.get("/nowhere").statusCode()).isEqualTo(404);
  }
}
