package dev.crossgate.routing.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossgate.policy.model.Service;
import dev.crossgate.routing.route.TestRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class LoadBalancersTest {

  private static final long MS = 1_000_000L;
  private static final TestRequest REQUEST = TestRequest.of("a.com", "/");

  private static List<UpstreamEndpoint> endpoints(int n) {
    List<UpstreamEndpoint> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(UpstreamEndpoint.of("10.0.0." + (i + 1), 8080));
    }
    return list;
  }

  private static Map<UpstreamEndpoint, Integer> counts(LoadBalancer lb, int picks) {
    Map<UpstreamEndpoint, Integer> counts = new HashMap<>();
    for (int i = 0; i < picks; i++) {
      counts.merge(lb.pick(REQUEST), 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void everyTypeReturnsNullWithoutEndpoints() {
    for (String type : List.of("RoundRobin", "LeastRequest", "PeakEwma")) {
      LoadBalancer lb = LoadBalancers.create(new Service.LoadBalancer(type, null), List.of());
      assertThat(lb.pick(REQUEST)).as(type).isNull();
      assertThat(lb.endpoints()).isEmpty();
    }
    LoadBalancer hash =
        LoadBalancers.create(
            new Service.LoadBalancer(
                "ConsistentHash", new Service.ConsistentHash("x-user", null, null)),
            List.of());
    assertThat(hash.pick(TestRequest.of("a", "/").header("x-user", "u"))).isNull();
  }

  @Test
  void createsTheRequestedType() {
    List<UpstreamEndpoint> eps = endpoints(2);
    assertThat(LoadBalancers.create(null, eps)).isInstanceOf(RoundRobinLoadBalancer.class);
    assertThat(LoadBalancers.create(new Service.LoadBalancer(null, null), eps))
        .isInstanceOf(RoundRobinLoadBalancer.class);
    assertThat(LoadBalancers.create(new Service.LoadBalancer("LeastRequest", null), eps))
        .isInstanceOf(LeastRequestLoadBalancer.class);
    assertThat(LoadBalancers.create(new Service.LoadBalancer("PeakEwma", null), eps))
        .isInstanceOf(PeakEwmaLoadBalancer.class);
    assertThat(
            LoadBalancers.create(
                new Service.LoadBalancer(
                    "ConsistentHash", new Service.ConsistentHash(null, null, true)),
                eps))
        .isInstanceOf(ConsistentHashLoadBalancer.class);
  }

  @Test
  void rejectsUnknownTypeAndIncompleteHashSpec() {
    assertThatThrownBy(
            () -> LoadBalancers.create(new Service.LoadBalancer("Random", null), List.of()))
        .hasMessage(
            "loadBalancer.type: Random (expected: RoundRobin, LeastRequest, PeakEwma or"
                + " ConsistentHash)");
    assertThatThrownBy(
            () -> LoadBalancers.create(new Service.LoadBalancer("ConsistentHash", null), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                LoadBalancers.create(
                    new Service.LoadBalancer(
                        "ConsistentHash", new Service.ConsistentHash("h", "c", null)),
                    List.of()))
        .hasMessageContaining("expected: exactly one of header, cookie, sourceAddress");
  }

  @Nested
  class RoundRobin {

    @Test
    void takesEndpointsInTurn() {
      List<UpstreamEndpoint> eps = endpoints(3);
      LoadBalancer lb = RoundRobinLoadBalancer.of(eps);
      UpstreamEndpoint first = lb.pick(REQUEST);
      int start = eps.indexOf(first);
      for (int i = 1; i < 7; i++) {
        assertThat(lb.pick(REQUEST)).isSameAs(eps.get((start + i) % 3));
      }
      assertThat(counts(lb, 300).values()).containsOnly(100);
    }
  }

  @Nested
  class LeastRequest {

    @Test
    void alwaysPrefersTheIdleOfTwo() {
      List<UpstreamEndpoint> eps = endpoints(2);
      eps.get(0).start();
      LoadBalancer lb = LeastRequestLoadBalancer.of(eps);
      assertThat(counts(lb, 1_000)).containsOnlyKeys(eps.get(1));
    }

    @Test
    void idleEndpointWinsWheneverItIsDrawn() {
      List<UpstreamEndpoint> eps = endpoints(3);
      for (int i = 0; i < 5; i++) {
        eps.get(0).start();
        eps.get(2).start();
      }
      Map<UpstreamEndpoint, Integer> counts = counts(LeastRequestLoadBalancer.of(eps), 3_000);
      // The idle endpoint is among the two draws 2/3 of the time: expected 2,000.
      assertThat(counts.get(eps.get(1))).isBetween(1_800, 2_200);
    }

    @Test
    void spreadsEvenlyWhenAllAreIdle() {
      Map<UpstreamEndpoint, Integer> counts =
          counts(LeastRequestLoadBalancer.of(endpoints(4)), 4_000);
      assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(700, 1_300));
    }
  }

  @Nested
  class PeakEwma {

    private final AtomicLong clock = new AtomicLong(0);

    private UpstreamEndpoint endpoint(int i) {
      return UpstreamEndpoint.of("10.0.1." + i, 80, clock::get, Duration.ofSeconds(10));
    }

    private void request(UpstreamEndpoint endpoint, long latencyMs) {
      UpstreamEndpoint.Completion c = endpoint.start();
      clock.addAndGet(latencyMs * MS);
      c.done(true);
    }

    @Test
    void steersAwayFromTheSlowEndpoint() {
      UpstreamEndpoint slow = endpoint(1);
      UpstreamEndpoint fast = endpoint(2);
      request(slow, 500);
      request(fast, 5);
      LoadBalancer lb = PeakEwmaLoadBalancer.of(List.of(slow, fast));
      assertThat(counts(lb, 1_000)).containsOnlyKeys(fast);
    }

    @Test
    void oneSlowResponseIsFeltAtOnce() {
      UpstreamEndpoint a = endpoint(1);
      UpstreamEndpoint b = endpoint(2);
      for (int i = 0; i < 20; i++) {
        request(a, 5);
        request(b, 10);
      }
      LoadBalancer lb = PeakEwmaLoadBalancer.of(List.of(a, b));
      assertThat(counts(lb, 100)).containsOnlyKeys(a);
      request(a, 300);
      assertThat(counts(lb, 100)).containsOnlyKeys(b);
    }

    @Test
    void loadInFlightCountsAgainstAFastEndpoint() {
      UpstreamEndpoint slow = endpoint(1);
      UpstreamEndpoint fast = endpoint(2);
      request(slow, 50);
      request(fast, 5);
      for (int i = 0; i < 20; i++) {
        fast.start(); // 5 ms × 21 > 50 ms × 1
      }
      assertThat(counts(PeakEwmaLoadBalancer.of(List.of(slow, fast)), 100)).containsOnlyKeys(slow);
    }

    @Test
    void endpointWithoutSamplesIsTriedAtTheDefaultPenalty() {
      UpstreamEndpoint slow = endpoint(1);
      UpstreamEndpoint fresh = endpoint(2);
      request(slow, 100);
      LoadBalancer lb = PeakEwmaLoadBalancer.of(List.of(slow, fresh));
      assertThat(counts(lb, 100)).containsOnlyKeys(fresh); // 30 ms default < 100 ms
    }

    @Test
    void newEndpointTiesWithAFastIdlePeerSoSerialTrafficReachesIt() {
      // A service scaled up under light, serial traffic: the running instance answers in 2 ms
      // and nothing is ever in flight when a request is balanced. The new instance must still
      // be tried, not wait until its 30 ms default is beaten by concurrent load.
      UpstreamEndpoint running = endpoint(1);
      UpstreamEndpoint joined = endpoint(2);
      request(running, 2);
      Map<UpstreamEndpoint, Integer> counts =
          counts(PeakEwmaLoadBalancer.of(List.of(running, joined)), 1_000);
      assertThat(counts.get(joined)).isBetween(350, 650);
    }

    @Test
    void newEndpointIsNotFloodedBeforeItsFirstResponse() {
      UpstreamEndpoint running = endpoint(1);
      UpstreamEndpoint joined = endpoint(2);
      request(running, 2);
      joined.start(); // its first request has not answered yet
      assertThat(counts(PeakEwmaLoadBalancer.of(List.of(running, joined)), 100))
          .containsOnlyKeys(running);
    }

    @Test
    void configuredUnsampledLatencyIsCappedAtTheRivalsLatency() {
      UpstreamEndpoint slow = endpoint(1);
      UpstreamEndpoint fresh = endpoint(2);
      UpstreamEndpoint alsoFresh = endpoint(3);
      request(slow, 100);
      LoadBalancer patient = PeakEwmaLoadBalancer.of(List.of(slow, fresh), Duration.ofSeconds(1));
      assertThat(counts(patient, 1_000).get(fresh)).isBetween(350, 650); // 1 s capped at 100 ms
      LoadBalancer bothFresh = PeakEwmaLoadBalancer.of(List.of(fresh, alsoFresh));
      assertThat(counts(bothFresh, 1_000).get(fresh)).isBetween(350, 650);
    }

    @Test
    void slowEndpointIsRetriedOnceItsEstimateDecays() {
      UpstreamEndpoint slow = endpoint(1);
      UpstreamEndpoint fast = endpoint(2);
      request(slow, 500);
      request(fast, 20);
      LoadBalancer lb = PeakEwmaLoadBalancer.of(List.of(slow, fast));
      assertThat(counts(lb, 100)).containsOnlyKeys(fast);
      // Six time constants later the idle slow endpoint's 500 ms has decayed to about 1.2 ms,
      // while the fast one keeps answering in 20 ms.
      clock.addAndGet(60_000 * MS);
      request(fast, 20);
      assertThat(counts(lb, 100)).containsOnlyKeys(slow);
    }
  }
}
