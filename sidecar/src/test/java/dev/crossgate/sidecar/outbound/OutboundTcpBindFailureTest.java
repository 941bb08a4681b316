package dev.crossgate.sidecar.outbound;

import static dev.crossgate.sidecar.outbound.MeshFixture.admin;
import static dev.crossgate.sidecar.outbound.MeshFixture.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.sidecar.SidecarServer;
import dev.crossgate.testkit.TcpEchoBackend;
import dev.crossgate.testkit.TestBackend;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A {@code meshPort} that cannot be bound (another process holds it), with the real engine and
 * a real sidecar on loopback: {@code /ready} answers 503 naming the service, the port and the
 * OS error, the failure is counted, and once the port is free the retried bind succeeds and the
 * sidecar is ready.
 */
class OutboundTcpBindFailureTest {

  MeshFixture mesh;

  @AfterEach
  void stop() {
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void aTakenMeshPortMakesTheSidecarNotReadyWithThePortAndTheOsErrorUntilItIsFree()
      throws Exception {
    mesh = new MeshFixture();
    TestBackend app = mesh.closing(TestBackend.start("app-a"));
    TcpEchoBackend echo = mesh.closing(TcpEchoBackend.start());
    ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    int port = taken.getLocalPort();
    SidecarServer caller;
    try {
      mesh.apply("""
          apiVersion: crossgate.dev/v1alpha1
          kind: Service
          metadata: {name: db, namespace: shop}
          spec:
            protocol: TCP
            meshPort: %d
            endpoints: [{address: 127.0.0.1, port: %d}]
          """.formatted(port, echo.port()));
      caller = mesh.sidecar("a", app.port());

      SidecarServer started = caller;
      awaitTrue(() -> ready(started).statusCode() == 503
          && ready(started).body().contains(":" + port), "/ready to report the unbound port");
      assertThat(ready(caller).body()).isEqualTo("not ready: outbound TCP listener for shop/db "
          + "on 127.0.0.1:" + port + " not bound (Address already in use); retrying every 2 s\n");
      assertThat(caller.ready()).as("its inbound endpoint is still advertised").isTrue();
      String metrics = admin(caller, "/metrics");
      assertThat(metrics).containsPattern("crossgate_sidecar_outbound_tcp_bind_failures_total"
          + "\\{port=\"" + port + "\",service=\"shop/db\"} [1-9]");
      assertThat(metrics).contains("crossgate_sidecar_outbound_tcp_unbound 1.0");
    } finally {
      taken.close();
    }

    awaitTrue(() -> OutboundTcpTest.accepts(port), "the retried bind of " + port);
    // Ready again once bound, and the gauge back to 0.
    SidecarServer bound = caller;
    awaitTrue(() -> {
      try {
        return admin(bound, "/metrics")
            .contains("crossgate_sidecar_outbound_tcp_unbound 0.0");
      } catch (Exception e) {
        return false;
      }
    }, "the unbound gauge back to 0");
    assertThat(ready(bound).statusCode()).isEqualTo(200);
  }

  private static HttpResponse<String> ready(SidecarServer sidecar) {
    try {
      return MeshFixture.HTTP.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + sidecar.adminPort() + "/ready")).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
