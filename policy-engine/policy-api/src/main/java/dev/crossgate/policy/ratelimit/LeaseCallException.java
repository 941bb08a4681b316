package dev.crossgate.policy.ratelimit;

import static java.util.Objects.requireNonNull;

import io.vertx.grpc.common.GrpcStatus;

/** The engine refused a lease request: its gRPC status and the engine's message. */
public final class LeaseCallException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient GrpcStatus status;

  public LeaseCallException(GrpcStatus status, String message) {
    super(status.name() + ": " + (message == null || message.isEmpty() ? "(no message)" : message));
    this.status = requireNonNull(status, "status");
  }

  /** The status the engine answered with. */
  public GrpcStatus status() {
    return status;
  }
}
