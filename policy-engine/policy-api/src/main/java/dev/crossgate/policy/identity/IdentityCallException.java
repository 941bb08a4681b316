package dev.crossgate.policy.identity;

import static java.util.Objects.requireNonNull;

import io.vertx.grpc.common.GrpcStatus;

/** The engine refused an identity call: its gRPC status and the engine's message. */
public final class IdentityCallException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient GrpcStatus status;

  public IdentityCallException(GrpcStatus status, String message) {
    super(status.name() + ": " + (message == null || message.isEmpty() ? "(no message)" : message));
    this.status = requireNonNull(status, "status");
  }

  /** The status the engine answered with. */
  public GrpcStatus status() {
    return status;
  }
}
