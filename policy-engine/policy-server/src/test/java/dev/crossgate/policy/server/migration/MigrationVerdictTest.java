package dev.crossgate.policy.server.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.distribution.v1.CallerTraffic;
import dev.crossgate.policy.distribution.v1.LatencyHistogram;
import dev.crossgate.policy.distribution.v1.PolicyDenials;
import dev.crossgate.policy.distribution.v1.ServiceTraffic;
import dev.crossgate.policy.model.MeshMigration.Stage;
import dev.crossgate.policy.server.migration.TrafficBook.NodeCounters;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The verdict rules and the before/after windows over cumulative, per-node counters. */
class MigrationVerdictTest {

  static final List<Double> BOUNDS = List.of(1.0, 5.0, 100.0);

  static ServiceTraffic traffic(long[] latency, CallerTraffic... callers) {
    LatencyHistogram.Builder histogram = LatencyHistogram.newBuilder()
        .addAllUpperBoundsMillis(BOUNDS);
    for (long n : latency) {
      histogram.addCounts(n);
    }
    return ServiceTraffic.newBuilder().setNamespace("shop").setService("b")
        .addAllCallers(List.of(callers)).setLatency(histogram).build();
  }

  static CallerTraffic caller(String name, boolean mtls, long requests, long errors,
      long wouldDeny) {
    return CallerTraffic.newBuilder().setCaller(name).setMtls(mtls).setRequests(requests)
        .setErrors(errors).setWouldDeny(wouldDeny).build();
  }

  static NodeCounters node(long started, ServiceTraffic traffic) {
    return new NodeCounters(started, TrafficCounters.of(traffic));
  }

  @Test
  void windowsSubtractPerNodeAndCountARestartedNodeFromZero() {
    Map<String, NodeCounters> atChange = Map.of(
        "n1", node(1, traffic(new long[] {10, 0, 0, 0}, caller("a", true, 10, 0, 0))),
        "n2", node(1, traffic(new long[] {5, 0, 0, 0}, caller("a", true, 5, 0, 0))));
    Map<String, NodeCounters> now = Map.of(
        "n1", node(1, traffic(new long[] {14, 0, 1, 0}, caller("a", true, 15, 1, 0))),
        // n2 restarted: its 3 requests are all after the change
        "n2", node(2, traffic(new long[] {3, 0, 0, 0}, caller("a", true, 3, 0, 0))),
        // n3 is new
        "n3", node(1, traffic(new long[] {0, 2, 0, 0}, caller("plaintext/private", false, 2, 0,
            2))));

    TrafficCounters after = EvidenceWindow.between(atChange, now);

    assertThat(after.total(TrafficCounters.REQUESTS)).isEqualTo(5 + 3 + 2);
    assertThat(after.total(TrafficCounters.ERRORS)).isEqualTo(1);
    assertThat(after.plaintextCallers()).containsExactly("plaintext/private");
    assertThat(after.latencyMillis(0.5)).hasValue(1.0);
    assertThat(after.latencyMillis(0.99)).hasValue(100.0);
  }

  @Test
  void wouldDenyBlocksEnforceAndPlaintextBlocksStrict() {
    TrafficCounters after = TrafficCounters.of(ServiceTraffic.newBuilder(traffic(
            new long[] {12, 0, 0, 0}, caller("spiffe://td/ns/shop/sa/c", true, 9, 0, 9),
            caller("plaintext/loopback", false, 3, 0, 3)))
        .addDenials(PolicyDenials.newBuilder().setPolicy("AuthorizationPolicy shop/x rule 0")
            .setWouldDeny(12))
        .build());

    MigrationVerdict toEnforce = MigrationVerdict.judge(Stage.permissive, "since x", null, after);
    assertThat(toEnforce.nextStage()).isEqualTo(Stage.enforce);
    assertThat(toEnforce.safeToAdvance()).isFalse();
    assertThat(toEnforce.reasons()).containsExactly(
        "12 requests would be denied by AuthorizationPolicy shop/x rule 0");
    assertThat(toEnforce.notes()).containsExactly(
        "1 caller still uses plaintext: plaintext/loopback");

    MigrationVerdict toStrict = MigrationVerdict.judge(Stage.enforce, "since x", null, after);
    assertThat(toStrict.reasons()).containsExactly(
        "1 caller still uses plaintext: plaintext/loopback");
  }

  @Test
  void aRiseOfTheErrorRateOrP99BlocksAndNoTrafficBlocks() {
    TrafficCounters before = TrafficCounters.of(traffic(new long[] {1000, 0, 0, 0},
        caller("a", true, 1000, 1, 0)));
    TrafficCounters after = TrafficCounters.of(traffic(new long[] {0, 0, 0, 100},
        caller("a", true, 100, 4, 0)));

    MigrationVerdict verdict = MigrationVerdict.judge(Stage.observe, "since x", before, after);
    assertThat(verdict.reasons()).containsExactly("error rate rose from 0.1% to 4.0%",
        "p99 latency rose from 1 ms to > 100 ms");

    MigrationVerdict quiet = MigrationVerdict.judge(Stage.observe,
        "since the last change (revision 3)", before, TrafficCounters.empty());
    assertThat(quiet.reasons()).containsExactly(
        "no traffic seen since the last change (revision 3)");

    MigrationVerdict fine = MigrationVerdict.judge(Stage.observe, "since x", before, before);
    assertThat(fine.safeToAdvance()).isTrue();
    assertThat(fine.reasons()).isEmpty();

    assertThat(MigrationVerdict.judge(Stage.strict, "since x", before, before).reasons())
        .containsExactly("strict is the last stage");
    // At off the sidecar is not in the path yet: no traffic is expected.
    assertThat(MigrationVerdict.judge(Stage.off, "since x", null, TrafficCounters.empty())
        .safeToAdvance()).isTrue();
  }
}
