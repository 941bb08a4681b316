package dev.crossgate.routing.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A global limit's lease bookkeeping against a scripted lease source and a hand-moved clock:
 * tokens are spent locally, renewed ahead of exhaustion, the budget's end is respected, and the
 * failure mode decides while the engine does not answer. (The real engine and gateways are in
 * the e2e suite.)
 */
class GlobalRateLimiterTest {

  final AtomicLong now = new AtomicLong(1_000_000_000L);
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final List<Call> calls = new ArrayList<>();

  record Call(String key, long requested, Promise<LeaseSource.Lease> answer) {
    void grant(long granted, long remaining) {
      answer.complete(new LeaseSource.Lease(granted, remaining, 0, 60_000));
    }
  }

  final LeaseSource scripted = (policy, limit, key, requested) -> {
    Promise<LeaseSource.Lease> answer = Promise.promise();
    calls.add(new Call(key, requested, answer));
    return answer.future();
  };

  GlobalRateLimiter limiter(int requests, boolean failOpen, LeaseSource source) {
    GlobalLeases leases = source == null ? GlobalLeases.none(registry)
        : GlobalLeases.from(source, Duration.ofSeconds(1), registry);
    return new GlobalRateLimiter("shop/limits", "per-client",
        new Rate(requests, Duration.ofMinutes(1), 0), failOpen, leases, 1000, now::get);
  }

  @Test
  void aLeaseIsSpentLocallyAndRenewedWhenHalfOfItIsGone() {
    GlobalRateLimiter limiter = limiter(100, true, scripted);
    Future<Decision> first = limiter.acquire("a");
    assertThat(first.isComplete()).as("a small limit's first request waits for a lease").isFalse();
    assertThat(calls).hasSize(1);
    assertThat(calls.get(0).requested()).isEqualTo(GlobalRateLimiter.INITIAL_ASK);
    calls.get(0).grant(16, 84);
    assertThat(first.result().allowed()).isTrue();
    for (int i = 0; i < 6; i++) { // 15 left → 9 left: no call yet
      assertThat(limiter.acquire("a").result().allowed()).isTrue();
    }
    assertThat(calls).hasSize(1);
    assertThat(limiter.acquire("a").result().allowed()).isTrue(); // 8 left ≤ 16 / 2: renew
    assertThat(calls).hasSize(2);
    assertThat(calls.get(1).requested()).as("spent fast: twice as much").isEqualTo(32);
    // Requests go on from what is left while the renewal is in flight.
    for (int i = 0; i < 7; i++) {
      assertThat(limiter.acquire("a").result().allowed()).isTrue();
    }
    assertThat(calls).hasSize(2);
    calls.get(1).grant(10, 74);
    assertThat(limiter.acquire("a").result().allowed()).isTrue();
    assertThat(registry.get("crossgate_ratelimit_global_leases").tag("result", "granted")
        .counter().count()).isEqualTo(2);
  }

  @Test
  void aSpentBudgetRefusesUntilTheWindowEndsWithoutAskingAgain() {
    GlobalRateLimiter limiter = limiter(100, true, scripted);
    Future<Decision> first = limiter.acquire("a");
    calls.get(0).answer().complete(new LeaseSource.Lease(2, 0, 0, 30_000));
    assertThat(first.result().allowed()).isTrue();
    assertThat(limiter.acquire("a").result().allowed()).isTrue();
    Decision refused = limiter.acquire("a").result();
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.unavailable()).isFalse();
    assertThat(refused.limit()).isEqualTo(100);
    assertThat(refused.retryAfterSeconds()).isEqualTo(30);
    assertThat(refused.resetSeconds()).isEqualTo(30);
    assertThat(calls).hasSize(1);

    now.addAndGet(Duration.ofSeconds(30).toNanos()); // a new window: ask again
    Future<Decision> next = limiter.acquire("a");
    assertThat(calls).hasSize(2);
    calls.get(1).answer().complete(new LeaseSource.Lease(5, 95, 60_000, 60_000));
    assertThat(next.result().allowed()).isTrue();
  }

  @Test
  void aLargeLimitAdmitsAKeysFirstRequestOnCreditPaidByTheFirstLease() {
    GlobalRateLimiter limiter = limiter(1000, true, scripted);
    Future<Decision> first = limiter.acquire("a");
    assertThat(first.isComplete()).isTrue();
    assertThat(first.result().allowed()).isTrue();
    Future<Decision> second = limiter.acquire("a");
    assertThat(second.isComplete()).as("credit is one request").isFalse();
    assertThat(calls).hasSize(1);
    calls.get(0).grant(2, 990);
    assertThat(second.result().allowed()).isTrue(); // 2 granted: 1 paid the credit, 1 for this
    assertThat(calls).as("nothing left here: the next lease is asked for at once").hasSize(2);
  }

  @Test
  void failingOpenFallsBackToPerReplicaLimitsAndAsksAgainLater() {
    GlobalRateLimiter limiter = limiter(3, true, scripted);
    Future<Decision> first = limiter.acquire("a");
    calls.get(0).answer().fail("connection refused");
    assertThat(first.result().allowed()).isTrue();
    assertThat(limiter.unavailable()).isTrue();
    assertThat(limiter.acquire("a").result().allowed()).isTrue();
    assertThat(limiter.acquire("a").result().allowed()).isTrue();
    assertThat(limiter.acquire("a").result().allowed()).as("the local fallback's 3 per minute")
        .isFalse();
    assertThat(calls).hasSize(1);
    assertThat(registry.get("crossgate_ratelimit_global_fallbacks").tag("mode", "open")
        .counter().count()).isEqualTo(4);

    now.addAndGet(Duration.ofSeconds(1).toNanos()); // the retry delay is over: ask the engine
    Future<Decision> retried = limiter.acquire("b");
    assertThat(calls).hasSize(2);
    calls.get(1).grant(1, 2);
    assertThat(retried.result().allowed()).isTrue();
    assertThat(limiter.unavailable()).isFalse();
  }

  @Test
  void failingClosedRefusesSayingTheLimiterIsUnavailable() {
    GlobalRateLimiter limiter = limiter(1000, false, scripted);
    limiter.acquire("a"); // on credit
    calls.get(0).answer().fail("connection refused");
    Decision refused = limiter.acquire("a").result();
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.unavailable()).isTrue();
    assertThat(refused.retryAfterSeconds()).isEqualTo(1);
    assertThat(registry.get("crossgate_ratelimit_global_fallbacks").tag("mode", "closed")
        .counter().count()).isEqualTo(1);
  }

  @Test
  void withoutAnEngineTheFailureModeDecidesEveryRequest() {
    GlobalRateLimiter open = limiter(2, true, null);
    assertThat(open.acquire("a").result().allowed()).isTrue();
    assertThat(open.acquire("a").result().allowed()).isTrue();
    assertThat(open.acquire("a").result().allowed()).isFalse();
    GlobalRateLimiter closed = limiter(2, false, null);
    Decision refused = closed.acquire("a").result();
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.unavailable()).isTrue();
    assertThat(open.unavailable()).isTrue();
  }
}
