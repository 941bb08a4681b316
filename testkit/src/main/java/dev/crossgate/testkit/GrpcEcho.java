package dev.crossgate.testkit;

import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The {@code crossgate.test.Echo} gRPC service, described without generated code: messages are
 * UTF-8 strings, so tests need no protobuf. {@link GrpcTestBackend} serves it.
 *
 * <ul>
 *   <li>{@code Unary}: answers {@code echo:<request>}.</li>
 *   <li>{@code ServerStream}: the request is a count {@code n}; answers {@code 0 .. n-1}.</li>
 *   <li>{@code ClientStream}: answers the requests joined with {@code ,}.</li>
 *   <li>{@code Bidi}: answers each request with {@code echo:<request>} as it arrives.</li>
 *   <li>{@code Fail}: the request is {@code <code> <message>}; fails with that status.</li>
 * </ul>
 */
public final class GrpcEcho {

  /** The fully qualified service name. */
  public static final String SERVICE = "crossgate.test.Echo";

  /** Marshals UTF-8 strings. */
  public static final MethodDescriptor.Marshaller<String> STRING =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
          return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
          try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  public static final MethodDescriptor<String, String> UNARY = method("Unary", MethodType.UNARY);
  public static final MethodDescriptor<String, String> SERVER_STREAM =
      method("ServerStream", MethodType.SERVER_STREAMING);
  public static final MethodDescriptor<String, String> CLIENT_STREAM =
      method("ClientStream", MethodType.CLIENT_STREAMING);
  public static final MethodDescriptor<String, String> BIDI =
      method("Bidi", MethodType.BIDI_STREAMING);
  public static final MethodDescriptor<String, String> FAIL = method("Fail", MethodType.UNARY);

  private GrpcEcho() {}

  private static MethodDescriptor<String, String> method(String name, MethodType type) {
    return MethodDescriptor.<String, String>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(STRING)
        .setResponseMarshaller(STRING)
        .build();
  }
}
