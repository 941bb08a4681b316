package dev.crossgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossgate.testkit.GrpcEcho;
import dev.crossgate.testkit.GrpcTestBackend;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gRPC through the gateway with a real grpc-java client and server: every call kind, statuses
 * and messages passed through in trailers, and gRPC statuses for failures Crossgate makes.
 */
class GrpcProxyTest {

  @TempDir static Path dir;
  static GrpcTestBackend backend;
  static GatewayFixture gateway;
  static ManagedChannel channel;
  static int deadPort;

  @BeforeAll
  static void start() throws Exception {
    backend = GrpcTestBackend.start();
    try (ServerSocket socket = new ServerSocket(0)) {
      deadPort = socket.getLocalPort();
    }
    gateway = GatewayFixture.start(dir, Yaml.GATEWAY
        + Yaml.service("echo", "GRPC", backend.port())
        + Yaml.service("dead", "GRPC", deadPort)
        + Yaml.prefixRoute("echo", "/" + GrpcEcho.SERVICE + "/", "[{name: echo}]")
        + Yaml.prefixRoute("dead", "/crossgate.test.Dead/", "[{name: dead}]"));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", gateway.server.port("http"))
        .usePlaintext().build();
  }

  @AfterAll
  static void stop() throws Exception {
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    gateway.close();
    backend.close();
  }

  private static CallOptions deadline() {
    return CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  @Test
  void unary() {
    assertThat(ClientCalls.blockingUnaryCall(channel, GrpcEcho.UNARY, deadline(), "hello"))
        .isEqualTo("echo:hello");
  }

  @Test
  void serverStreaming() {
    List<String> received = new ArrayList<>();
    ClientCalls.blockingServerStreamingCall(channel, GrpcEcho.SERVER_STREAM, deadline(), "50")
        .forEachRemaining(received::add);
    assertThat(received).hasSize(50).startsWith("0", "1").endsWith("49");
  }

  @Test
  void clientStreaming() throws Exception {
    Collector collector = new Collector();
    StreamObserver<String> requests = ClientCalls.asyncClientStreamingCall(
        channel.newCall(GrpcEcho.CLIENT_STREAM, deadline()), collector);
    for (int i = 0; i < 20; i++) {
      requests.onNext("m" + i);
    }
    requests.onCompleted();
    assertThat(collector.done.get(20, TimeUnit.SECONDS)).containsExactly(
        String.join(",", java.util.stream.IntStream.range(0, 20).mapToObj(i -> "m" + i)
            .toList()));
  }

  @Test
  void bidiStreamingInterleaves() throws Exception {
    Collector collector = new Collector();
    StreamObserver<String> requests = ClientCalls.asyncBidiStreamingCall(
        channel.newCall(GrpcEcho.BIDI, deadline()), collector);
    requests.onNext("first");
    Eventually.until("the first answer arrives before the call is half-closed",
        () -> collector.received.contains("echo:first"));
    requests.onNext("second");
    requests.onCompleted();
    assertThat(collector.done.get(20, TimeUnit.SECONDS))
        .containsExactly("echo:first", "echo:second");
  }

  @Test
  void backendStatusAndMessagePassThroughInTrailers() {
    assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, GrpcEcho.FAIL, deadline(),
        "5 no such thing: ünïcode"))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
          assertThat(e.getStatus().getDescription()).isEqualTo("no such thing: ünïcode");
        });
  }

  @Test
  void unreachableBackendIsUnavailable() {
    var method = GrpcEcho.UNARY.toBuilder()
        .setFullMethodName("crossgate.test.Dead/Unary").build();
    assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, method, deadline(), "x"))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
          assertThat(e.getStatus().getDescription()).startsWith("upstream_unavailable: ");
        });
  }

  @Test
  void unroutedMethodIsUnimplemented() {
    var method = GrpcEcho.UNARY.toBuilder()
        .setFullMethodName("crossgate.test.Nowhere/Unary").build();
    assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, method, deadline(), "x"))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
  }

  @Test
  void proxyMadeGrpcErrorIsTrailersOnlyWithReasonHeader() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      HttpClientAgent h2 = vertx.createHttpClient(new HttpClientOptions()
          .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
      HttpClientResponse response = h2.request(new RequestOptions()
              .setMethod(HttpMethod.POST).setHost("127.0.0.1")
              .setPort(gateway.server.port("http")).setURI("/crossgate.test.Nowhere/Unary")
              .putHeader("content-type", "application/grpc").putHeader("te", "trailers"))
          .compose(request -> request.send(Buffer.buffer(new byte[] {0, 0, 0, 0, 0})))
          .compose(answer -> answer.body().map(body -> answer))
          .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.getHeader("content-type")).isEqualTo("application/grpc");
      assertThat(response.getHeader("grpc-status")).isEqualTo("12");
      assertThat(response.getHeader("grpc-message")).startsWith("route_not_found: ");
      assertThat(response.getHeader("x-crossgate-error")).isEqualTo("route_not_found");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  /** Collects a call's answers; {@link #done} completes with all of them or the failure. */
  private static final class Collector implements StreamObserver<String> {
    final List<String> received = new CopyOnWriteArrayList<>();
    final CompletableFuture<List<String>> done = new CompletableFuture<>();

    @Override
    public void onNext(String value) {
      received.add(value);
    }

    @Override
    public void onError(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      done.complete(List.copyOf(received));
    }
  }
}
