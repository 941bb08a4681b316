package dev.crossgate.policy.distribution;

import dev.crossgate.policy.distribution.v1.EngineMessage;
import dev.crossgate.policy.distribution.v1.NodeMessage;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Names and codecs of the {@code crossgate.v1.PolicyDistribution} service, shared by both ends. */
public final class DistributionProtocol {

  /** The gRPC service name. */
  public static final ServiceName SERVICE = ServiceName.create("crossgate.v1",
      "PolicyDistribution");

  /**
   * The largest message either side accepts: 64 MiB. gRPC's usual 256 KiB default is below a
   * snapshot of a few hundred routes; the engine sends each node one snapshot at a time.
   */
  public static final long MAX_MESSAGE_SIZE = 64L * 1024 * 1024;

  /** The one method: a bidirectional stream. */
  public static final String SUBSCRIBE = "Subscribe";

  /** The client's view of {@code Subscribe}: sends node messages, receives engine messages. */
  public static final ServiceMethod<EngineMessage, NodeMessage> SUBSCRIBE_CLIENT =
      ServiceMethod.client(SERVICE, SUBSCRIBE, GrpcMessageEncoder.encoder(),
          GrpcMessageDecoder.decoder(EngineMessage.getDefaultInstance()));

  /** The engine's view of {@code Subscribe}: receives node messages, sends engine messages. */
  public static final ServiceMethod<NodeMessage, EngineMessage> SUBSCRIBE_SERVER =
      ServiceMethod.server(SERVICE, SUBSCRIBE, GrpcMessageEncoder.encoder(),
          GrpcMessageDecoder.decoder(NodeMessage.getDefaultInstance()));

  private DistributionProtocol() {}

  /** The hash a snapshot carries: hex SHA-256 of the resources JSON, first 16 bytes. */
  public static String hash(String resourcesJson) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(resourcesJson.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
