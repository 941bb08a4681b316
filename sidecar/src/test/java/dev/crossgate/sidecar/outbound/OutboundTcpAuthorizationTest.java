package dev.crossgate.sidecar.outbound;

import static dev.crossgate.sidecar.outbound.MeshFixture.admin;
import static dev.crossgate.sidecar.outbound.MeshFixture.awaitDump;
import static dev.crossgate.sidecar.outbound.MeshFixture.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.sidecar.SidecarServer;
import dev.crossgate.testkit.TcpEchoBackend;
import dev.crossgate.testkit.TestBackend;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * AuthorizationPolicy on an opaque TCP service, with the real engine, two real sidecars, mTLS and
 * a TCP echo app on loopback: the db sidecar authorizes each connection right after the
 * handshake by the caller's verified principal; an allowed caller's bytes cross, a denied
 * caller's connection is closed before any byte reaches the app (logged, counted), and a
 * plaintext client under STRICT is refused.
 */
@TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class OutboundTcpAuthorizationTest {

  static MeshFixture mesh;
  static TcpEchoBackend echo;
  static SidecarServer caller;
  static SidecarServer sidecarDb;
  static int meshPort;

  @BeforeAll
  static void start() throws Exception {
    mesh = new MeshFixture();
    TestBackend appA = mesh.closing(TestBackend.start("app-a"));
    echo = mesh.closing(TcpEchoBackend.start());
    try (ServerSocket free = new ServerSocket(0, 1,
        java.net.InetAddress.getByName("127.0.0.1"))) {
      meshPort = free.getLocalPort();
    }
    long revision = apply(allowOnly("a"));
    caller = mesh.sidecar("a", appA.port());
    sidecarDb = mesh.sidecar("db", echo.port());
    awaitDump(caller, "127.0.0.1:" + sidecarDb.inboundPort());
    awaitDump(sidecarDb, "\"TCP\"", "\"revision\" : " + revision);
    awaitTrue(() -> OutboundTcpTest.accepts(meshPort), "the outbound TCP listener on " + meshPort);
  }

  @AfterAll
  static void stop() {
    if (mesh != null) {
      mesh.close();
    }
  }

  /** Stores {@code yaml} as one revision; answers its number. */
  private static long apply(String yaml) throws Exception {
    var resources = dev.crossgate.policy.codec.PolicyLoader.loadString("test.yaml", yaml)
        .bundleOrThrow().resources();
    return MeshFixture.await(mesh.engine.store().apply(
        dev.crossgate.policy.server.store.ChangeSet.puts(resources),
        java.util.OptionalLong.empty(), "test", "test")).revision().number();
  }

  /** db at strict, and a policy allowing only {@code account}'s connections to it. */
  private static String allowOnly(String account) {
    return """
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: db, namespace: shop}
        spec:
          protocol: TCP
          meshPort: %d
          endpoints: [{address: 127.0.0.1, port: %d}]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: MeshMigration
        metadata: {name: db, namespace: shop}
        spec:
          service: {name: db}
          stage: strict
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: db-callers, namespace: shop}
        spec:
          targetRefs: [{kind: Service, name: db}]
          action: ALLOW
          rules:
            - from: [{source: {principals: ["spiffe://crossgate.local/ns/shop/sa/%s"]}}]
        """.formatted(meshPort, echo.port(), account);
  }

  /** Sends {@code text} to {@code port} and reads until that many bytes or the end. */
  private static String exchange(int port, String text) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      byte[] sent = text.getBytes(StandardCharsets.US_ASCII);
      socket.getOutputStream().write(sent);
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      try {
        received.write(in.readNBytes(sent.length));
      } catch (java.net.SocketException e) {
        // Reset by the closing side: what arrived before it is the answer.
      }
      return received.toString(StandardCharsets.US_ASCII);
    }
  }

  @Test
  @org.junit.jupiter.api.Order(1)
  void anAllowedPrincipalsBytesCross() throws Exception {
    assertThat(exchange(meshPort, "allowed bytes\n")).isEqualTo("allowed bytes\n");
    assertThat(admin(sidecarDb, "/metrics")).containsPattern(
        "crossgate_sidecar_inbound_tcp_authz_total\\{outcome=\"allowed\","
            + "peer=\"spiffe://crossgate.local/ns/shop/sa/a\"} [1-9]");
  }

  @Test
  @org.junit.jupiter.api.Order(2)
  void aPrincipalNoAllowMatchesIsClosedRightAfterTheHandshake() throws Exception {
    awaitDump(sidecarDb, "\"revision\" : " + apply(allowOnly("b")));

    assertThat(exchange(meshPort, "denied bytes\n")).isEmpty();
    assertThat(admin(sidecarDb, "/metrics")).containsPattern(
        "crossgate_sidecar_inbound_tcp_authz_total\\{outcome=\"denied\","
            + "peer=\"spiffe://crossgate.local/ns/shop/sa/a\"} [1-9]");

    // A DENY on the caller's principal closes it too, even with an ALLOW for it.
    long revision = apply(allowOnly("a") + """
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: db-deny, namespace: shop}
        spec:
          targetRefs: [{kind: Service, name: db}]
          action: DENY
          rules:
            - when: [{key: source.namespace, values: [shop]}]
        """);
    awaitDump(sidecarDb, "\"revision\" : " + revision);
    assertThat(exchange(meshPort, "denied again\n")).isEmpty();
  }

  @Test
  @org.junit.jupiter.api.Order(3)
  void aPlaintextClientUnderStrictIsRefused() throws Exception {
    assertThat(exchange(sidecarDb.inboundPort(), "plaintext\n")).isEmpty();
    assertThat(admin(sidecarDb, "/metrics")).containsPattern(
        "crossgate_sidecar_inbound_connections_total\\{peer=\"127.0.0.1\","
            + "transport=\"plaintext_refused\"} [1-9]");
  }
}
