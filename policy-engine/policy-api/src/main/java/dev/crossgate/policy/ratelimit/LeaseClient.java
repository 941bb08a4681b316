package dev.crossgate.policy.ratelimit;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.ratelimit.v1.LeaseGrant;
import dev.crossgate.policy.ratelimit.v1.LeaseRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Calls {@code crossgate.v1.GlobalRateLimit/Lease} on the policy engines. Calls go to one engine
 * until a call to it fails for a reason other than the engine's answer (connection refused,
 * reset, timed out), then to the next one in the list. A refusal fails the future with a
 * {@link LeaseCallException} carrying the engine's status and message; any other failure means
 * no engine answered in time.
 */
public final class LeaseClient implements AutoCloseable {

  private final GrpcClient client;
  private final List<SocketAddress> engines;
  private final long timeoutMillis;
  private final AtomicInteger current = new AtomicInteger();

  /**
   * A client.
   *
   * @param engines the engines' gRPC addresses (the distribution port), at least one
   * @param timeout how long one call may take before it counts as failed
   */
  public LeaseClient(Vertx vertx, List<SocketAddress> engines, Duration timeout) {
    this.client = GrpcClient.client(requireNonNull(vertx, "vertx"));
    this.engines = List.copyOf(requireNonNull(engines, "engines"));
    if (this.engines.isEmpty()) {
      throw new IllegalArgumentException("engines: [] (expected: at least one engine address)");
    }
    requireNonNull(timeout, "timeout");
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
    }
    this.timeoutMillis = timeout.toMillis();
  }

  /** Asks for {@code requested} tokens of {@code limit} in {@code policy} for {@code key}. */
  public Future<LeaseGrant> lease(String policy, String limit, String key, long requested) {
    LeaseRequest message = LeaseRequest.newBuilder()
        .setPolicy(requireNonNull(policy, "policy"))
        .setLimit(requireNonNull(limit, "limit"))
        .setKey(requireNonNull(key, "key"))
        .setRequested(requested)
        .build();
    int index = current.get();
    SocketAddress engine = engines.get(Math.floorMod(index, engines.size()));
    return client.request(engine, RateLimitProtocol.LEASE_CLIENT)
        .compose(request -> {
          request.end(message);
          return request.response().compose(LeaseClient::last);
        })
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .onFailure(failure -> {
          if (!(failure instanceof LeaseCallException)) {
            current.compareAndSet(index, index + 1); // try the next engine next time
          }
        });
  }

  private static <Q, R> Future<R> last(GrpcClientResponse<Q, R> response) {
    return response.last().recover(failure -> {
      GrpcStatus status = response.status();
      return Future.failedFuture(status == null || status == GrpcStatus.OK
          ? failure
          : new LeaseCallException(status, response.statusMessage()));
    });
  }

  @Override
  public void close() {
    client.close();
  }
}
