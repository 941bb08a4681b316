package dev.crossgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossgate.testkit.GrpcEcho;
import dev.crossgate.testkit.GrpcTestBackend;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GRPCRoute through a real gateway: calls are routed by service and method to two real gRPC
 * backends, a method-specific rule beats a service-wide one, and an unrouted call is a gRPC
 * {@code UNIMPLEMENTED} naming the reason.
 */
class GrpcRouteTest {

  private static final String OTHER_SERVICE = "crossgate.test.Other";
  private static final MethodDescriptor<String, String> OTHER_UNARY = rename(OTHER_SERVICE);

  @TempDir static Path dir;
  static GrpcTestBackend echo;
  static Server second;
  static GatewayFixture gateway;
  static ManagedChannel channel;

  /** The echo service's unary method under another service name. */
  private static MethodDescriptor<String, String> rename(String service) {
    return GrpcEcho.UNARY.toBuilder()
        .setFullMethodName(MethodDescriptor.generateFullMethodName(service, "Unary")).build();
  }

  @BeforeAll
  static void start() throws Exception {
    echo = GrpcTestBackend.start();
    second = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(secondService(GrpcEcho.SERVICE, GrpcEcho.UNARY))
        .addService(secondService(OTHER_SERVICE, OTHER_UNARY))
        .build().start();
    gateway = GatewayFixture.start(dir, Yaml.GATEWAY
        + Yaml.service("echo", "GRPC", echo.port())
        + Yaml.service("second", "GRPC", second.getPort())
        + """
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: echo}
        spec:
          parentRefs: [{name: edge, sectionName: http}]
          rules:
            - matches: [{method: {service: crossgate.test.Echo}}]
              backendRefs: [{name: echo}]
            - matches: [{method: {service: crossgate.test.Echo, method: Unary}}]
              filters:
                - type: ResponseHeaderModifier
                  responseHeaderModifier: {set: [{name: x-rule, value: unary}]}
              backendRefs: [{name: second}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: other}
        spec:
          parentRefs: [{name: edge}]
          rules:
            - matches: [{method: {type: RegularExpression, service: 'crossgate\\.test\\.Oth.*'}}]
              backendRefs: [{name: second}]
        """);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", gateway.server.port("http"))
        .usePlaintext().build();
  }

  private static ServerServiceDefinition secondService(String name,
      MethodDescriptor<String, String> unary) {
    return ServerServiceDefinition.builder(name)
        .addMethod(unary, ServerCalls.asyncUnaryCall((request, out) -> {
          out.onNext("second:" + request);
          out.onCompleted();
        }))
        .build();
  }

  @AfterAll
  static void stop() throws Exception {
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    gateway.close();
    second.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    echo.close();
  }

  private static CallOptions deadline() {
    return CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  @Test
  void serviceWideRuleSendsTheServiceToItsBackend() {
    assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, GrpcEcho.FAIL, deadline(),
        "5 from echo"))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
          assertThat(e.getStatus().getDescription()).isEqualTo("from echo");
        });
  }

  @Test
  void methodSpecificRuleBeatsTheServiceWideOneAndRunsItsFilters() {
    AtomicReference<Metadata> headers = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    Channel capturing = ClientInterceptors.intercept(channel,
        MetadataUtils.newCaptureMetadataInterceptor(headers, trailers));
    assertThat(ClientCalls.blockingUnaryCall(capturing, GrpcEcho.UNARY, deadline(), "hi"))
        .isEqualTo("second:hi");
    assertThat(headers.get().get(Metadata.Key.of("x-rule", Metadata.ASCII_STRING_MARSHALLER)))
        .isEqualTo("unary");
  }

  @Test
  void secondServiceGoesToTheSecondBackend() {
    assertThat(ClientCalls.blockingUnaryCall(channel, OTHER_UNARY, deadline(), "x"))
        .isEqualTo("second:x");
  }

  @Test
  void unmatchedMethodIsUnimplementedWithTheReason() {
    assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel,
        rename("crossgate.test.Nowhere"), deadline(), "x"))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
          assertThat(e.getTrailers().get(Metadata.Key.of("x-crossgate-error",
              Metadata.ASCII_STRING_MARSHALLER))).isEqualTo("route_not_found");
        });
  }
}
