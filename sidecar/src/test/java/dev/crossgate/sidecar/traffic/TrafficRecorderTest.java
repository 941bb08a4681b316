package dev.crossgate.sidecar.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.distribution.v1.CallerTraffic;
import dev.crossgate.policy.distribution.v1.ServiceTraffic;
import dev.crossgate.sidecar.traffic.TrafficRecorder.Outcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** Caller names stay few, counts add up per caller and policy, latency lands in its bucket. */
class TrafficRecorderTest {

  @Test
  void plaintextCallersAreNamedByAddressClass() {
    assertThat(CallerNames.of("spiffe://td/ns/shop/sa/a", "10.0.0.1"))
        .isEqualTo("spiffe://td/ns/shop/sa/a");
    assertThat(CallerNames.of(null, "127.0.0.1")).isEqualTo("plaintext/loopback");
    assertThat(CallerNames.of(null, "::1")).isEqualTo("plaintext/loopback");
    assertThat(CallerNames.of(null, "10.1.2.3")).isEqualTo("plaintext/private");
    assertThat(CallerNames.of(null, "192.168.0.9")).isEqualTo("plaintext/private");
    assertThat(CallerNames.of(null, "fd00::1")).isEqualTo("plaintext/private");
    assertThat(CallerNames.of(null, "100.64.0.1")).isEqualTo("plaintext/private");
    assertThat(CallerNames.of(null, "169.254.1.1")).isEqualTo("plaintext/link-local");
    assertThat(CallerNames.of(null, "8.8.8.8")).isEqualTo("plaintext/public");
    assertThat(CallerNames.of(null, "example.com")).isEqualTo("plaintext/unknown");
    assertThat(CallerNames.of(null, null)).isEqualTo("plaintext/unknown");
  }

  @Test
  void countsPerCallerAndPolicyWithBoundedCallers() {
    TrafficRecorder recorder = new TrafficRecorder("shop", "b", new SimpleMeterRegistry());
    recorder.record("spiffe://td/ns/shop/sa/a", true, Outcome.FORWARDED, null, 200, 500_000);
    recorder.record("spiffe://td/ns/shop/sa/a", true, Outcome.FORWARDED, null, 503, 3_000_000);
    recorder.record("plaintext/loopback", false, Outcome.WOULD_DENY, "AuthorizationPolicy shop/p rule 0", 200, 20_000_000_000L);
    recorder.record("spiffe://td/ns/shop/sa/c", true, Outcome.DENIED, "AuthorizationPolicy shop/p rule 0", 403, 100_000);
    for (int i = 0; i < TrafficRecorder.MAX_CALLERS + 10; i++) {
      recorder.record("spiffe://td/ns/shop/sa/s" + i, true, Outcome.FORWARDED, null, 200, 1);
    }

    ServiceTraffic report = recorder.report("permissive", 7).getServices(0);

    assertThat(report.getStage()).isEqualTo("permissive");
    assertThat(report.getRevision()).isEqualTo(7);
    assertThat(report.getCallersCount()).isLessThanOrEqualTo(TrafficRecorder.MAX_CALLERS + 1);
    CallerTraffic a = report.getCallersList().stream()
        .filter(c -> c.getCaller().equals("spiffe://td/ns/shop/sa/a")).findFirst().orElseThrow();
    assertThat(a.getRequests()).isEqualTo(2);
    assertThat(a.getErrors()).isEqualTo(1);
    CallerTraffic other = report.getCallersList().stream()
        .filter(c -> c.getCaller().equals(TrafficRecorder.OTHER)).findFirst().orElseThrow();
    assertThat(other.getRequests()).isGreaterThanOrEqualTo(10);
    assertThat(report.getDenials(0).getPolicy()).isEqualTo("AuthorizationPolicy shop/p rule 0");
    assertThat(report.getDenials(0).getWouldDeny()).isEqualTo(1);
    assertThat(report.getDenials(0).getDenied()).isEqualTo(1);
    assertThat(report.getLatency().getCount()).isEqualTo(4 + TrafficRecorder.MAX_CALLERS + 10);
    // 0.5 ms ≤ 1 ms; 3 ms ≤ 5 ms; 20 s above the last bound
    assertThat(report.getLatency().getCounts(0)).isEqualTo(2 + TrafficRecorder.MAX_CALLERS + 10);
    assertThat(report.getLatency().getCounts(2)).isEqualTo(1);
    assertThat(report.getLatency().getCounts(LatencyBuckets.BOUNDS_MILLIS.size())).isEqualTo(1);
  }
}
