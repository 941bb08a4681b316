package dev.crossgate.sidecar.outbound;

import static dev.crossgate.sidecar.outbound.MeshFixture.admin;
import static dev.crossgate.sidecar.outbound.MeshFixture.awaitDump;
import static dev.crossgate.sidecar.outbound.MeshFixture.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.sidecar.SidecarServer;
import dev.crossgate.testkit.TcpEchoBackend;
import dev.crossgate.testkit.TestBackend;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Opaque TCP through two sidecars on loopback with the real engine: a {@code protocol: TCP}
 * Service with a {@code meshPort} gets a listener on the caller's sidecar; bytes cross to the
 * service's sidecar over mutual TLS and on to the app, and come back.
 */
class OutboundTcpTest {

  static MeshFixture mesh;
  static TestBackend appA;
  static TcpEchoBackend echo;
  static SidecarServer caller;
  static SidecarServer sidecarDb;
  static int meshPort;

  @BeforeAll
  static void start() throws Exception {
    mesh = new MeshFixture();
    appA = mesh.closing(TestBackend.start("app-a"));
    echo = mesh.closing(TcpEchoBackend.start());
    try (ServerSocket free = new ServerSocket(0, 1,
        java.net.InetAddress.getByName("127.0.0.1"))) {
      meshPort = free.getLocalPort();
    }
    mesh.apply("""
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: db, namespace: shop}
        spec:
          protocol: TCP
          meshPort: %d
          endpoints: [{address: 127.0.0.1, port: %d}]
        """.formatted(meshPort, echo.port()));
    caller = mesh.sidecar("a", appA.port());
    sidecarDb = mesh.sidecar("db", echo.port());
    awaitDump(caller, "127.0.0.1:" + sidecarDb.inboundPort());
    awaitDump(sidecarDb, "\"TCP\"");
    awaitTrue(() -> accepts(meshPort), "the outbound TCP listener on " + meshPort);
  }

  @AfterAll
  static void stop() {
    if (mesh != null) {
      mesh.close();
    }
  }

  static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void bytesCrossTwoSidecarsOverMutualTls() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", meshPort)) {
      socket.setSoTimeout(10_000);
      byte[] sent = "hello over the mesh\n".getBytes(StandardCharsets.US_ASCII);
      socket.getOutputStream().write(sent);
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      byte[] received = in.readNBytes(sent.length);
      assertThat(new String(received, StandardCharsets.US_ASCII))
          .isEqualTo("hello over the mesh\n");
    }
    assertThat(admin(caller, "/metrics")).containsPattern(
        "crossgate_sidecar_outbound_requests_total\\{path=\"mesh\",service=\"shop/db\"} [1-9]");
    assertThat(admin(sidecarDb, "/metrics")).contains(
        "crossgate_sidecar_inbound_connections_total{peer=\"spiffe://crossgate.local/ns/shop/sa/a\","
            + "transport=\"mtls_tcp\"}");
  }

  @Test
  void aPlaintextClientOfThePermissiveInboundPortReachesTheAppFirstBytesFirst() throws Exception {
    // The bytes that chose "plaintext" are the app's too: they go first, the rest after them.
    try (Socket socket = new Socket("127.0.0.1", sidecarDb.inboundPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write("first ".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      assertThat(new String(in.readNBytes(6), StandardCharsets.US_ASCII)).isEqualTo("first ");
      socket.getOutputStream().write("then the rest\n".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      assertThat(new String(in.readNBytes(14), StandardCharsets.US_ASCII))
          .isEqualTo("then the rest\n");
    }
    assertThat(admin(sidecarDb, "/metrics")).containsPattern(
        "crossgate_sidecar_inbound_connections_total\\{peer=\"127.0.0.1\",transport=\"plaintext\"} [1-9]");
  }
}
