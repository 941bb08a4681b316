package dev.crossgate.policy.server.ratelimit;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.ratelimit.RateLimitProtocol;
import dev.crossgate.policy.ratelimit.v1.LeaseGrant;
import dev.crossgate.policy.ratelimit.v1.LeaseRequest;
import dev.crossgate.policy.server.store.PolicyStore;
import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code crossgate.v1.GlobalRateLimit} on the engine's gRPC server: grants leases of
 * tokens for global limits from the shared counters. A malformed request is INVALID_ARGUMENT,
 * an unknown policy or limit NOT_FOUND, a policy that is not Global FAILED_PRECONDITION; each
 * with a message naming the field, the value and what was expected.
 */
public final class RateLimitService {

  private static final Logger LOG = LoggerFactory.getLogger(RateLimitService.class);

  private final GlobalLimits limits;
  private final LeaseLedger ledger;

  public RateLimitService(PolicyStore store, LeaseLedger ledger) {
    this.limits = new GlobalLimits(requireNonNull(store, "store"));
    this.ledger = requireNonNull(ledger, "ledger");
  }

  /** Adds the service's method to {@code grpc}. */
  public void register(GrpcServer grpc) {
    grpc.callHandler(RateLimitProtocol.LEASE_SERVER, this::lease);
  }

  private void lease(GrpcServerRequest<LeaseRequest, LeaseGrant> request) {
    request.last()
        .recover(malformed -> Future.failedFuture(new LeaseRefusal(GrpcStatus.INVALID_ARGUMENT,
            "request: not a crossgate.v1.LeaseRequest (" + malformed.getMessage() + ")")))
        .compose(this::grant)
        .onComplete(result -> {
          if (result.succeeded()) {
            LeaseLedger.Grant grant = result.result();
            request.response().end(LeaseGrant.newBuilder()
                .setGranted(grant.granted())
                .setLimit(grant.limit())
                .setRemaining(grant.remaining())
                .setWindowStartMillis(grant.windowStartMillis())
                .setWindowRemainingMillis(grant.windowRemainingMillis())
                .build());
          } else if (result.cause() instanceof LeaseRefusal refusal) {
            LOG.debug("lease refused: {}", refusal.getMessage());
            request.response().status(refusal.status()).statusMessage(refusal.getMessage()).end();
          } else {
            LOG.warn("granting a lease failed", result.cause());
            request.response().status(GrpcStatus.UNAVAILABLE)
                .statusMessage("the rate-limit counters are unavailable: "
                    + result.cause().getMessage())
                .end();
          }
        });
  }

  private Future<LeaseLedger.Grant> grant(LeaseRequest message) {
    String problem = problem(message);
    if (problem != null) {
      return Future.failedFuture(new LeaseRefusal(GrpcStatus.INVALID_ARGUMENT, problem));
    }
    return limits.find(message.getPolicy(), message.getLimit())
        .compose(limit -> ledger.grant(limit, message.getKey(), message.getRequested()));
  }

  /** What is wrong with the request's fields, or null. */
  static String problem(LeaseRequest message) {
    String policy = message.getPolicy();
    int slash = policy.indexOf('/');
    if (policy.isEmpty()) {
      return "policy: missing (expected: a RateLimitPolicy as namespace/name)";
    }
    if (slash <= 0 || slash == policy.length() - 1 || policy.indexOf('/', slash + 1) >= 0) {
      return "policy: " + policy + " (expected: a RateLimitPolicy as namespace/name)";
    }
    if (message.getLimit().isEmpty()) {
      return "limit: missing (expected: the name of a limit of " + policy + ")";
    }
    if (message.getKey().isEmpty()) {
      return "key: missing (expected: the value the limit counts by, e.g. the client address)";
    }
    int keyBytes = message.getKey().getBytes(StandardCharsets.UTF_8).length;
    if (keyBytes > RateLimitProtocol.MAX_KEY_BYTES) {
      return "key: " + keyBytes + " bytes (expected: at most " + RateLimitProtocol.MAX_KEY_BYTES
          + ")";
    }
    long requested = message.getRequested();
    if (requested < 1 || requested > RateLimitProtocol.MAX_REQUESTED) {
      return "requested: " + requested + " (expected: 1.." + RateLimitProtocol.MAX_REQUESTED + ")";
    }
    return null;
  }
}
