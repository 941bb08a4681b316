package dev.crossgate.policy.server.ratelimit;

import static dev.crossgate.policy.server.store.TestPolicies.base;
import static dev.crossgate.policy.server.store.TestPolicies.withBase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossgate.policy.ratelimit.LeaseCallException;
import dev.crossgate.policy.ratelimit.LeaseClient;
import dev.crossgate.policy.ratelimit.RateLimitProtocol;
import dev.crossgate.policy.ratelimit.v1.LeaseGrant;
import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import dev.crossgate.policy.server.store.ChangeSet;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real engine on loopback with its Infinispan: leases over gRPC on the distribution port
 * never hand out more than a window's budget, shrink as it runs out, and bad requests get precise
 * statuses.
 */
class RateLimitServiceTest {

  static final String POLICIES = """
      apiVersion: crossgate.dev/v1alpha1
      kind: RateLimitPolicy
      metadata:
        name: shared
        namespace: shop
      spec:
        targetRefs:
          - kind: Gateway
            name: edge
        scope: Global
        failureMode: Closed
        limits:
          - name: per-client
            key: {type: ClientAddress}
            requests: 1000
            unit: Hour
          - name: tiny
            key: {type: Route}
            requests: 3
            unit: Hour
      ---
      apiVersion: crossgate.dev/v1alpha1
      kind: RateLimitPolicy
      metadata:
        name: local
        namespace: shop
      spec:
        targetRefs:
          - kind: Gateway
            name: edge
        limits:
          - name: per-client
            key: {type: ClientAddress}
            requests: 10
            unit: Second
      """;

  @TempDir Path data;
  PolicyServer engine;
  Vertx vertx;
  LeaseClient client;

  @BeforeEach
  void start() throws Exception {
    engine = PolicyServer.start(PolicyServerOptions.defaults(data).withApi("127.0.0.1", 0)
        .withDistributionPort(0));
    apply(engine, POLICIES);
    vertx = Vertx.vertx();
    client = new LeaseClient(vertx, List.of(address(engine)), Duration.ofSeconds(10));
  }

  static SocketAddress address(PolicyServer engine) {
    return SocketAddress.inetSocketAddress(engine.distributionPort(), "127.0.0.1");
  }

  static void apply(PolicyServer engine, String policies) throws Exception {
    List<dev.crossgate.policy.model.Resource> resources = new ArrayList<>(base());
    String[] documents = policies.split("(?m)^---\\n");
    for (String document : documents) {
      resources.add(withBase(document));
    }
    await(engine.store().apply(ChangeSet.puts(resources), OptionalLong.empty(), "test",
        "global limits"));
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    await(vertx.close());
    engine.close();
  }

  @Test
  void leasesShrinkAsTheBudgetRunsOutAndNeverExceedIt() throws Exception {
    List<LeaseGrant> grants = new ArrayList<>();
    LeaseGrant grant;
    do {
      grant = await(client.lease("shop/shared", "per-client", "10.0.0.1", 500));
      grants.add(grant);
    } while (grant.getGranted() > 0);
    // Counted per window: a run that crosses the top of the hour starts a fresh budget.
    long window = grant.getWindowStartMillis();
    List<LeaseGrant> last = grants.stream().filter(g -> g.getWindowStartMillis() == window)
        .toList();
    assertThat(last.stream().mapToLong(LeaseGrant::getGranted).sum()).isEqualTo(1000);
    assertThat(grant.getRemaining()).isZero();
    assertThat(grant.getLimit()).isEqualTo(1000);
    assertThat(grant.getWindowRemainingMillis()).isBetween(1L, 3_600_000L);
    if (last.size() == grants.size()) {
      // A lease takes an eighth of what is left, so they shrink to single tokens at the end.
      assertThat(grants.get(0).getGranted()).isEqualTo(125);
      assertThat(grants.get(1).getGranted()).isEqualTo(109);
      assertThat(grants.get(grants.size() - 2).getGranted()).isEqualTo(1);
    }
    // Another key has its own budget.
    assertThat(await(client.lease("shop/shared", "per-client", "10.0.0.2", 5)).getGranted())
        .isEqualTo(5);
  }

  @Test
  void concurrentLeasesFromManyCallersAddUpToTheBudgetExactly() throws Exception {
    Map<Long, Long> granted = new HashMap<>();
    for (int round = 0; round < 40; round++) {
      List<Future<LeaseGrant>> calls = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        calls.add(client.lease("shop/shared", "per-client", "203.0.113.9", 20));
      }
      for (Future<LeaseGrant> call : calls) {
        LeaseGrant grant = await(call);
        granted.merge(grant.getWindowStartMillis(), grant.getGranted(), Long::sum);
      }
    }
    // 40 × 16 calls asked for 12,800 tokens: every window's total is at most the budget, and the
    // window the run ends in (well past exhaustion) holds exactly the budget.
    assertThat(granted.values()).allMatch(total -> total <= 1000);
    assertThat(granted.values()).contains(1000L);
  }

  @Test
  void aChangedPolicyIsHonouredAtTheNextRevision() throws Exception {
    assertThat(await(client.lease("shop/shared", "per-client", "10.0.0.7", 1)).getLimit())
        .isEqualTo(1000);
    apply(engine, POLICIES.replace("requests: 1000", "requests: 2000"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    long limit;
    do {
      limit = await(client.lease("shop/shared", "per-client", "10.0.0.7", 1)).getLimit();
    } while (limit != 2000 && System.nanoTime() - deadline < 0);
    assertThat(limit).isEqualTo(2000);
    apply(engine, POLICIES.replaceAll("(?m)^ *(scope: Global|failureMode: Closed)\n", ""));
    Future<LeaseGrant> refused;
    do {
      refused = client.lease("shop/shared", "per-client", "10.0.0.7", 1);
      refused.toCompletionStage().toCompletableFuture().handle((r, e) -> null).get(30, TimeUnit.SECONDS);
    } while (refused.succeeded() && System.nanoTime() - deadline < 0);
    assertRefused(refused, GrpcStatus.FAILED_PRECONDITION, "policy: shop/shared has scope Local"
        + " (the default) (expected: scope Global; local limits are counted by each data plane)");
  }

  @Test
  void aTinyBudgetIsHandedOutOneTokenAtATime() throws Exception {
    List<Long> grants = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      grants.add(await(client.lease("shop/shared", "tiny", "shop/users", 100)).getGranted());
    }
    assertThat(grants.subList(grants.size() - 2, grants.size())).containsOnly(0L);
    assertThat(grants.stream().mapToLong(Long::longValue).sum()).isLessThanOrEqualTo(3);
  }

  @Test
  void unknownPoliciesAndLimitsAreNotFound() {
    assertRefused(client.lease("shop/missing", "per-client", "k", 1), GrpcStatus.NOT_FOUND,
        "policy: shop/missing (expected: an existing RateLimitPolicy namespace/name;"
            + " the engine has none by that name)");
    assertRefused(client.lease("shop/shared", "per-user", "k", 1), GrpcStatus.NOT_FOUND,
        "limit: per-user (expected: one of [per-client, tiny] in RateLimitPolicy shop/shared)");
    assertRefused(client.lease("shop/local", "per-client", "k", 1),
        GrpcStatus.FAILED_PRECONDITION, "policy: shop/local has scope Local (the default)"
            + " (expected: scope Global; local limits are counted by each data plane)");
  }

  @Test
  void malformedRequestsAreInvalidArguments() throws Exception {
    assertRefused(client.lease("", "per-client", "k", 1), GrpcStatus.INVALID_ARGUMENT,
        "policy: missing (expected: a RateLimitPolicy as namespace/name)");
    assertRefused(client.lease("shared", "per-client", "k", 1), GrpcStatus.INVALID_ARGUMENT,
        "policy: shared (expected: a RateLimitPolicy as namespace/name)");
    assertRefused(client.lease("a/b/c", "per-client", "k", 1), GrpcStatus.INVALID_ARGUMENT,
        "policy: a/b/c (expected: a RateLimitPolicy as namespace/name)");
    assertRefused(client.lease("shop/shared", "", "k", 1), GrpcStatus.INVALID_ARGUMENT,
        "limit: missing (expected: the name of a limit of shop/shared)");
    assertRefused(client.lease("shop/shared", "per-client", "", 1), GrpcStatus.INVALID_ARGUMENT,
        "key: missing (expected: the value the limit counts by, e.g. the client address)");
    assertRefused(client.lease("shop/shared", "per-client", "x".repeat(1025), 1),
        GrpcStatus.INVALID_ARGUMENT, "key: 1025 bytes (expected: at most 1024)");
    assertRefused(client.lease("shop/shared", "per-client", "k", 0), GrpcStatus.INVALID_ARGUMENT,
        "requested: 0 (expected: 1..100000)");
    assertRefused(client.lease("shop/shared", "per-client", "k", 100_001),
        GrpcStatus.INVALID_ARGUMENT, "requested: 100001 (expected: 1..100000)");

    // Bytes that are not a LeaseRequest at all.
    GrpcClient raw = GrpcClient.client(vertx);
    try {
      GrpcStatus status = await(raw.request(address(engine)).compose(request -> {
        request.fullMethodName(RateLimitProtocol.SERVICE.fullyQualifiedName() + "/Lease");
        request.end(Buffer.buffer(new byte[] {(byte) 0xff, (byte) 0xff, 0x01}));
        return request.response().compose(response -> response.end().map(v -> response.status())
            .recover(e -> Future.succeededFuture(response.status())));
      }));
      assertThat(status).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
    } finally {
      raw.close();
    }
  }

  private static void assertRefused(Future<LeaseGrant> call, GrpcStatus status, String message) {
    assertThatThrownBy(() -> await(call))
        .isInstanceOfSatisfying(LeaseCallException.class, e -> {
          assertThat(e.status()).isEqualTo(status);
          assertThat(e.getMessage()).isEqualTo(status.name() + ": " + message);
        });
  }

  static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }
}
