package dev.crossgate.sidecar.outbound;

import static dev.crossgate.sidecar.outbound.MeshFixture.admin;
import static dev.crossgate.sidecar.outbound.MeshFixture.awaitDump;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.sidecar.SidecarServer;
import dev.crossgate.testkit.GrpcEcho;
import dev.crossgate.testkit.GrpcTestBackend;
import dev.crossgate.testkit.TestBackend;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 and gRPC through two sidecars on loopback with the real engine: the app speaks h2c to
 * its sidecar's outbound port, the sidecars negotiate h2 by ALPN over mutual TLS, and a gRPC
 * server behind the far sidecar answers unary and server-streaming calls with their trailers.
 */
class OutboundProtocolsTest {

  static MeshFixture mesh;
  static TestBackend appA;
  static TestBackend appB;
  static GrpcTestBackend echo;
  static SidecarServer caller;
  static SidecarServer sidecarB;
  static SidecarServer sidecarEcho;
  static ManagedChannel channel;
  static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    mesh = new MeshFixture();
    appA = mesh.closing(TestBackend.start("app-a"));
    appB = mesh.closing(TestBackend.start("app-b"));
    echo = mesh.closing(GrpcTestBackend.start());
    mesh.apply("""
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: b, namespace: shop}
        spec: {endpoints: [{address: 127.0.0.1, port: %d}]}
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: echo, namespace: shop}
        spec:
          protocol: GRPC
          endpoints: [{address: 127.0.0.1, port: %d}]
        """.formatted(appB.port(), echo.port()));
    caller = mesh.sidecar("a", appA.port());
    sidecarB = mesh.sidecar("b", appB.port());
    sidecarEcho = mesh.sidecar("echo", echo.port());
    awaitDump(caller, "127.0.0.1:" + sidecarB.inboundPort(),
        "127.0.0.1:" + sidecarEcho.inboundPort());
    awaitDump(sidecarEcho, "\"protocol\"", "GRPC");
    channel = NettyChannelBuilder.forAddress("127.0.0.1", caller.outboundPort())
        .overrideAuthority("echo").usePlaintext().build();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (vertx != null) {
      MeshFixture.await(vertx.close());
    }
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void h2cFromTheAppAndH2BetweenTheSidecars() throws Exception {
    HttpClientAgent h2c = vertx.createHttpClient(new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
    HttpClientResponse[] head = new HttpClientResponse[1];
    String body = MeshFixture.await(h2c.request(new RequestOptions()
            .setServer(SocketAddress.inetSocketAddress(caller.outboundPort(), "127.0.0.1"))
            .setHost("b").setPort(80).setMethod(HttpMethod.GET).setURI("/over-h2"))
        .compose(request -> request.send())
        .compose(received -> {
          head[0] = received;
          return received.body();
        })).toString();
    HttpClientResponse response = head[0];

    assertThat(response.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(body).getString("backend")).isEqualTo("app-b");
    assertThat(appB.requests().get(appB.requests().size() - 1).headers().get("x-crossgate-peer"))
        .containsExactly("spiffe://crossgate.local/ns/shop/sa/a");
    // The hop between the sidecars negotiated h2 by ALPN, over mutual TLS.
    assertThat(admin(sidecarB, "/metrics"))
        .containsPattern("crossgate_sidecar_inbound_mtls_requests_total\\{version=\"h2\"} [1-9]");
    assertThat(admin(caller, "/metrics")).containsPattern(
        "crossgate_sidecar_outbound_requests_total\\{path=\"mesh\",service=\"shop/b\"} [1-9]");
  }

  @Test
  void grpcUnaryAndServerStreamingCallsCrossTheMesh() throws Exception {
    assertThat(ClientCalls.blockingUnaryCall(channel, GrpcEcho.UNARY, deadline(), "hello"))
        .isEqualTo("echo:hello");
    List<String> streamed = new ArrayList<>();
    ClientCalls.blockingServerStreamingCall(channel, GrpcEcho.SERVER_STREAM, deadline(), "50")
        .forEachRemaining(streamed::add);
    assertThat(streamed).hasSize(50).startsWith("0", "1").endsWith("49");
    // A gRPC status travels back in the trailers, through both sidecars.
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(
            channel, GrpcEcho.FAIL, deadline(), "7 not yours"))
        .isInstanceOf(io.grpc.StatusRuntimeException.class)
        .hasMessage("PERMISSION_DENIED: not yours");
    assertThat(admin(caller, "/metrics")).containsPattern(
        "crossgate_sidecar_outbound_requests_total\\{path=\"mesh\",service=\"shop/echo\"} [3-9]");
    assertThat(admin(sidecarEcho, "/metrics"))
        .containsPattern("crossgate_sidecar_inbound_mtls_requests_total\\{version=\"h2\"} [3-9]");
  }

  private static CallOptions deadline() {
    return CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS);
  }
}
