package dev.crossgate.routing.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class UpstreamEndpointTest {

  private static final long MS = 1_000_000L;
  private final AtomicLong clock = new AtomicLong(1_000 * MS);
  private final UpstreamEndpoint endpoint =
      UpstreamEndpoint.of("10.0.0.1", 8080, clock::get, Duration.ofSeconds(10));

  @Test
  void keyIsAddressAndPort() {
    assertThat(endpoint.key()).isEqualTo("10.0.0.1:8080");
    assertThat(endpoint.address()).isEqualTo("10.0.0.1");
    assertThat(endpoint.port()).isEqualTo(8080);
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> UpstreamEndpoint.of("a", 0))
        .hasMessage("port: 0 (expected: 1..65535)");
    assertThatThrownBy(() -> UpstreamEndpoint.of(null, 80)).hasMessage("address");
    assertThatThrownBy(() -> endpoint.recordLatency(-1))
        .hasMessage("latencyNanos: -1 (expected: >= 0)");
  }

  @Test
  void completionTracksActiveRequestsLatencyAndOutcome() {
    UpstreamEndpoint.Completion first = endpoint.start();
    UpstreamEndpoint.Completion second = endpoint.start();
    assertThat(endpoint.activeRequests()).isEqualTo(2);
    assertThat(endpoint.hasLatencySample()).isFalse();

    clock.addAndGet(40 * MS);
    first.done(true);
    first.done(false); // ignored: only the first call counts
    assertThat(endpoint.activeRequests()).isEqualTo(1);
    assertThat(endpoint.peakEwmaNanos()).isEqualTo(40.0 * MS);

    second.done(false);
    assertThat(endpoint.activeRequests()).isZero();
    assertThat(endpoint.successes()).isEqualTo(1);
    assertThat(endpoint.failures()).isEqualTo(1);
  }

  @Test
  void higherSampleIsTakenAtOnce() {
    endpoint.recordLatency(10 * MS);
    clock.addAndGet(MS);
    endpoint.recordLatency(200 * MS);
    assertThat(endpoint.peakEwmaNanos()).isCloseTo(200.0 * MS, within(0.001 * 200 * MS));
  }

  @Test
  void lowerSampleIsBlendedByElapsedTime() {
    endpoint.recordLatency(100 * MS);
    clock.addAndGet(10_000 * MS); // one time constant
    endpoint.recordLatency(10 * MS);
    double w = Math.exp(-1);
    assertThat(endpoint.peakEwmaNanos()).isCloseTo((100 * w + 10 * (1 - w)) * MS, within(1.0));
  }

  @Test
  void estimateDecaysWhenRead() {
    endpoint.recordLatency(100 * MS);
    clock.addAndGet(10_000 * MS);
    assertThat(endpoint.peakEwmaNanos()).isCloseTo(100 * MS * Math.exp(-1), within(1.0));
  }

  @Test
  void concurrentRequestsBalanceOut() throws InterruptedException {
    UpstreamEndpoint shared = UpstreamEndpoint.of("10.0.0.2", 80);
    int threads = 4;
    int perThread = 20_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread worker =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                for (int i = 0; i < perThread; i++) {
                  shared.start().done(i % 10 != 0);
                }
              });
      worker.start();
      workers.add(worker);
    }
    start.countDown();
    for (Thread worker : workers) {
      worker.join();
    }
    assertThat(shared.activeRequests()).isZero();
    assertThat(shared.successes() + shared.failures()).isEqualTo((long) threads * perThread);
    assertThat(shared.failures()).isEqualTo(threads * perThread / 10L);
    assertThat(shared.hasLatencySample()).isTrue();
  }
}
