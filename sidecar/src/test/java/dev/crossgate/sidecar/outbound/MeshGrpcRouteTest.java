package dev.crossgate.sidecar.outbound;

import static dev.crossgate.sidecar.outbound.MeshFixture.admin;
import static dev.crossgate.sidecar.outbound.MeshFixture.awaitDump;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossgate.sidecar.SidecarServer;
import dev.crossgate.testkit.GrpcEcho;
import dev.crossgate.testkit.GrpcTestBackend;
import dev.crossgate.testkit.TestBackend;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingServerCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A mesh GRPCRoute on its own (Gateway API GAMMA: {@code parentRefs[].kind: Service}), with the
 * real engine, three real sidecars (the caller's, echo's and echo-v2's), mTLS between them and
 * grpc-java apps on loopback: the caller's sidecar routes by gRPC method — unary calls to echo,
 * server streaming and the failing method to echo-v2 — and the app's trailers (a custom one and
 * {@code grpc-status} with its message) come back to the client unchanged through both sidecars.
 */
class MeshGrpcRouteTest {

  private static final Metadata.Key<String> APP_TRAILER =
      Metadata.Key.of("x-app-trailer", Metadata.ASCII_STRING_MARSHALLER);

  static MeshFixture mesh;
  static Server v2;
  static SidecarServer caller;
  static SidecarServer sidecarEcho;
  static SidecarServer sidecarV2;
  static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    mesh = new MeshFixture();
    TestBackend appA = mesh.closing(TestBackend.start("app-a"));
    GrpcTestBackend echo = mesh.closing(GrpcTestBackend.start());
    v2 = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerInterceptors.intercept(v2Service(), new TrailerAdder()))
        .build().start();
    mesh.apply("""
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: echo, namespace: shop}
        spec:
          protocol: GRPC
          endpoints: [{address: 127.0.0.1, port: %d}]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: echo-v2, namespace: shop}
        spec:
          protocol: GRPC
          endpoints: [{address: 127.0.0.1, port: %d}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: echo-by-method, namespace: shop}
        spec:
          parentRefs: [{kind: Service, name: echo}]
          rules:
            - matches:
                - method: {service: crossgate.test.Echo, method: ServerStream}
                - method: {service: crossgate.test.Echo, method: Fail}
              backendRefs: [{name: echo-v2}]
            - backendRefs: [{name: echo}]
        """.formatted(echo.port(), v2.getPort()));
    caller = mesh.sidecar("a", appA.port());
    sidecarEcho = mesh.sidecar("echo", echo.port());
    sidecarV2 = mesh.sidecar("echo-v2", v2.getPort());
    awaitDump(caller, "127.0.0.1:" + sidecarEcho.inboundPort(),
        "127.0.0.1:" + sidecarV2.inboundPort());
    awaitDump(sidecarV2, "\"protocol\"", "GRPC");
    channel = NettyChannelBuilder.forAddress("127.0.0.1", caller.outboundPort())
        .overrideAuthority("echo").usePlaintext().build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (v2 != null) {
      v2.shutdownNow();
    }
    if (mesh != null) {
      mesh.close();
    }
  }

  /** echo-v2: replies that say they are v2. */
  private static ServerServiceDefinition v2Service() {
    return ServerServiceDefinition.builder(GrpcEcho.SERVICE)
        .addMethod(GrpcEcho.UNARY, ServerCalls.asyncUnaryCall((request, out) -> {
          out.onNext("v2:" + request);
          out.onCompleted();
        }))
        .addMethod(GrpcEcho.SERVER_STREAM, ServerCalls.asyncServerStreamingCall(
            (request, out) -> {
              int count = Integer.parseInt(request.trim());
              for (int i = 0; i < count; i++) {
                out.onNext("v2-" + i);
              }
              out.onCompleted();
            }))
        .addMethod(GrpcEcho.FAIL, ServerCalls.asyncUnaryCall((request, out) ->
            out.onError(Status.RESOURCE_EXHAUSTED.withDescription("v2 is full: " + request)
                .asRuntimeException())))
        .build();
  }

  /** Adds {@code x-app-trailer: v2} to every call's trailers. */
  private static final class TrailerAdder implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
        ServerCallHandler<Q, R> next) {
      return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
        @Override
        public void close(Status status, Metadata trailers) {
          trailers.put(APP_TRAILER, "v2");
          super.close(status, trailers);
        }
      }, headers);
    }
  }

  private static CallOptions deadline() {
    return CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  /** The channel, recording each call's trailers into {@code trailers}. */
  private static Channel capturing(AtomicReference<Metadata> trailers) {
    return ClientInterceptors.intercept(channel,
        MetadataUtils.newCaptureMetadataInterceptor(new AtomicReference<>(), trailers));
  }

  @Test
  void unaryCallsTakeTheDefaultRuleToEcho() {
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    assertThat(ClientCalls.blockingUnaryCall(capturing(trailers), GrpcEcho.UNARY, deadline(),
        "hello")).isEqualTo("echo:hello");
    assertThat(trailers.get().get(APP_TRAILER)).isNull();
  }

  @Test
  void serverStreamingIsRoutedByMethodToEchoV2WithItsTrailers() throws Exception {
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    List<String> streamed = new ArrayList<>();
    ClientCalls.blockingServerStreamingCall(capturing(trailers), GrpcEcho.SERVER_STREAM,
        deadline(), "40").forEachRemaining(streamed::add);

    assertThat(streamed).hasSize(40).startsWith("v2-0", "v2-1").endsWith("v2-39");
    assertThat(trailers.get().get(APP_TRAILER)).isEqualTo("v2");
    assertThat(admin(caller, "/metrics")).containsPattern(
        "crossgate_sidecar_outbound_requests_total\\{path=\"mesh\",service=\"shop/echo-v2\"} "
            + "[1-9]");
    assertThat(admin(sidecarV2, "/metrics"))
        .containsPattern("crossgate_sidecar_inbound_mtls_requests_total\\{version=\"h2\"} [1-9]");
  }

  @Test
  void theAppsGrpcStatusAndMessageComeBackInTheTrailers() {
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(capturing(trailers), GrpcEcho.FAIL,
            deadline(), "try later"))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
          assertThat(e.getStatus().getDescription()).isEqualTo("v2 is full: try later");
        });
    assertThat(trailers.get().get(APP_TRAILER)).isEqualTo("v2");
  }
}
