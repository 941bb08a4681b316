package dev.crossgate.routing.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalRateLimiterTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000_000L);

  private LocalRateLimiter limiter(int requests, Duration period, int burst, long maxKeys) {
    return new LocalRateLimiter(new Rate(requests, period, burst), maxKeys, now::get);
  }

  /** Sends one request every {@code stepNanos} for {@code windowNanos}; counts admitted ones. */
  private long admittedOver(LocalRateLimiter limiter, String key, long windowNanos,
      long stepNanos) {
    long admitted = 0;
    long end = now.get() + windowNanos;
    while (now.get() < end) {
      if (limiter.tryAcquire(key).allowed()) {
        admitted++;
      }
      now.addAndGet(stepNanos);
    }
    return admitted;
  }

  @Test
  void admitsTheRatePlusTheBurstOverAWindow() {
    LocalRateLimiter limiter = limiter(10, Duration.ofSeconds(1), 5, 100);
    // 1000 requests per second offered for 60 s: 10 per second plus the initial 15 pass
    long admitted = admittedOver(limiter, "a", Duration.ofSeconds(60).toNanos(), 1_000_000);
    assertThat(admitted).isEqualTo(15 + 10 * 60 - 1);
  }

  @Test
  void perMinuteAndPerHourRatesHoldOverLongWindows() {
    LocalRateLimiter perMinute = limiter(100, Duration.ofMinutes(1), 0, 100);
    long minuteAdmitted = admittedOver(perMinute, "a", Duration.ofMinutes(10).toNanos(),
        Duration.ofMillis(10).toNanos());
    // the first 100 at once, then 100 per minute for the 10 minutes
    assertThat(minuteAdmitted).isBetween(100 + 1000 - 1L, 100 + 1000L);
    LocalRateLimiter perHour = limiter(7, Duration.ofHours(1), 3, 100);
    long hourAdmitted = admittedOver(perHour, "a", Duration.ofHours(5).toNanos(),
        Duration.ofSeconds(1).toNanos());
    assertThat(hourAdmitted).isBetween(7 + 3 + 7 * 5 - 1L, 7 + 3 + 7 * 5L);
  }

  @Test
  void aBurstPassesAtOnceAndTheNextRequestIsRefusedWithTheWait() {
    LocalRateLimiter limiter = limiter(2, Duration.ofSeconds(10), 1, 100);
    Decision first = limiter.tryAcquire("k");
    assertThat(first.allowed()).isTrue();
    assertThat(first.limit()).isEqualTo(3);
    assertThat(first.remaining()).isEqualTo(2);
    assertThat(limiter.tryAcquire("k").remaining()).isEqualTo(1);
    assertThat(limiter.tryAcquire("k").remaining()).isEqualTo(0);
    Decision refused = limiter.tryAcquire("k");
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.remaining()).isZero();
    assertThat(refused.retryAfterNanos()).isEqualTo(Duration.ofSeconds(5).toNanos());
    assertThat(refused.retryAfterSeconds()).isEqualTo(5);
    assertThat(refused.resetSeconds()).isEqualTo(15);
    now.addAndGet(Duration.ofSeconds(5).toNanos());
    assertThat(limiter.tryAcquire("k").allowed()).isTrue();
    assertThat(limiter.tryAcquire("k").allowed()).isFalse();
  }

  @Test
  void keysHaveTheirOwnBuckets() {
    LocalRateLimiter limiter = limiter(1, Duration.ofMinutes(1), 0, 100);
    assertThat(limiter.tryAcquire("a").allowed()).isTrue();
    assertThat(limiter.tryAcquire("a").allowed()).isFalse();
    assertThat(limiter.tryAcquire("b").allowed()).isTrue();
  }

  @Test
  void millionsOfDistinctKeysStayWithinTheBound() {
    LocalRateLimiter limiter = limiter(1, Duration.ofHours(1), 0, 1_000);
    for (int i = 0; i < 1_000_000; i++) {
      assertThat(limiter.tryAcquire("10." + (i >> 16) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff))
          .allowed()).isTrue();
      if (i % 100_000 == 0) {
        assertThat(limiter.trackedKeys()).isLessThanOrEqualTo(1_000);
      }
    }
    assertThat(limiter.trackedKeys()).isLessThanOrEqualTo(1_000);
    // still limiting: a key just used is refused
    assertThat(limiter.tryAcquire("busy").allowed()).isTrue();
    assertThat(limiter.tryAcquire("busy").allowed()).isFalse();
  }

  @Test
  void anIdleKeyIsForgottenOnceItsBucketIsFullAgain() {
    LocalRateLimiter limiter = limiter(1, Duration.ofSeconds(10), 0, 100);
    limiter.tryAcquire("a");
    assertThat(limiter.trackedKeys()).isEqualTo(1);
    now.addAndGet(Duration.ofSeconds(11).toNanos());
    assertThat(limiter.trackedKeys()).isZero();
    assertThat(limiter.tryAcquire("a").allowed()).isTrue();
  }

  @Test
  void refusesBadSettingsWithWhatWasExpected() {
    assertThatThrownBy(() -> new Rate(0, Duration.ofSeconds(1), 0))
        .hasMessage("requests: 0 (expected: > 0)");
    assertThatThrownBy(() -> new Rate(1, Duration.ofSeconds(1), -1))
        .hasMessage("burst: -1 (expected: >= 0)");
    assertThatThrownBy(() -> Rate.periodOf("Day"))
        .hasMessage("unit: Day (expected: one of Second, Minute, Hour)");
    assertThatThrownBy(() -> limiter(1, Duration.ofSeconds(1), 0, 0))
        .hasMessage("maxKeys: 0 (expected: > 0)");
  }
}
