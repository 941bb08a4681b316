package dev.crossgate.policy.server.ratelimit;

import static java.util.Objects.requireNonNull;

import io.vertx.grpc.common.GrpcStatus;

/** A lease request the engine will not serve, with the gRPC status and message it answers. */
public final class LeaseRefusal extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient GrpcStatus status;

  public LeaseRefusal(GrpcStatus status, String message) {
    super(requireNonNull(message, "message"), null, false, false);
    this.status = requireNonNull(status, "status");
  }

  /** The status to answer with. */
  public GrpcStatus status() {
    return status;
  }
}
