package dev.crossgate.testkit;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real gRPC server (grpc-java, cleartext HTTP/2) on 127.0.0.1 and an ephemeral port, serving
 * {@link GrpcEcho}.
 */
public final class GrpcTestBackend implements AutoCloseable {

  private final Server server;

  private GrpcTestBackend(Server server) {
    this.server = server;
  }

  /** Starts the server and waits until it listens. */
  public static GrpcTestBackend start() {
    ServerServiceDefinition service = ServerServiceDefinition.builder(GrpcEcho.SERVICE)
        .addMethod(GrpcEcho.UNARY, ServerCalls.asyncUnaryCall((request, out) -> {
          out.onNext("echo:" + request);
          out.onCompleted();
        }))
        .addMethod(GrpcEcho.SERVER_STREAM, ServerCalls.asyncServerStreamingCall(
            (request, out) -> {
              int count = Integer.parseInt(request.trim());
              for (int i = 0; i < count; i++) {
                out.onNext(String.valueOf(i));
              }
              out.onCompleted();
            }))
        .addMethod(GrpcEcho.CLIENT_STREAM, ServerCalls.asyncClientStreamingCall(out ->
            new StreamObserver<String>() {
              private final List<String> received = new ArrayList<>();

              @Override
              public void onNext(String value) {
                received.add(value);
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {
                out.onNext(String.join(",", received));
                out.onCompleted();
              }
            }))
        .addMethod(GrpcEcho.BIDI, ServerCalls.asyncBidiStreamingCall(out ->
            new StreamObserver<String>() {
              @Override
              public void onNext(String value) {
                out.onNext("echo:" + value);
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {
                out.onCompleted();
              }
            }))
        .addMethod(GrpcEcho.FAIL, ServerCalls.asyncUnaryCall((request, out) -> {
          String[] parts = request.split(" ", 2);
          out.onError(Status.fromCodeValue(Integer.parseInt(parts[0]))
              .withDescription(parts.length > 1 ? parts[1] : null).asRuntimeException());
        }))
        .build();
    try {
      Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
          .addService(service)
          .build()
          .start();
      return new GrpcTestBackend(server);
    } catch (IOException e) {
      throw new UncheckedIOException("gRPC test backend did not start", e);
    }
  }

  /** The bound port. */
  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
