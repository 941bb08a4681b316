package dev.crossgate.policy.ratelimit;

import dev.crossgate.policy.ratelimit.v1.LeaseGrant;
import dev.crossgate.policy.ratelimit.v1.LeaseRequest;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;

/** Names, codecs and bounds of the {@code crossgate.v1.GlobalRateLimit} service, shared by both ends. */
public final class RateLimitProtocol {

  /** The gRPC service name. */
  public static final ServiceName SERVICE = ServiceName.create("crossgate.v1", "GlobalRateLimit");

  /** The most tokens one lease request may ask for. */
  public static final long MAX_REQUESTED = 100_000;

  /** The longest key, in UTF-8 bytes. */
  public static final int MAX_KEY_BYTES = 1024;

  /** The client's view of {@code Lease}. */
  public static final ServiceMethod<LeaseGrant, LeaseRequest> LEASE_CLIENT =
      ServiceMethod.client(SERVICE, "Lease", GrpcMessageEncoder.encoder(),
          GrpcMessageDecoder.decoder(LeaseGrant.getDefaultInstance()));

  /** The engine's view of {@code Lease}. */
  public static final ServiceMethod<LeaseRequest, LeaseGrant> LEASE_SERVER =
      ServiceMethod.server(SERVICE, "Lease", GrpcMessageEncoder.encoder(),
          GrpcMessageDecoder.decoder(LeaseRequest.getDefaultInstance()));

  private RateLimitProtocol() {}
}
