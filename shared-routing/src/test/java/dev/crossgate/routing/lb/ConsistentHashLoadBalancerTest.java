package dev.crossgate.routing.lb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.model.Service;
import dev.crossgate.routing.route.TestRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConsistentHashLoadBalancerTest {

  private static final int KEYS = 100_000;

  private static List<UpstreamEndpoint> endpoints(int n) {
    List<UpstreamEndpoint> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(UpstreamEndpoint.of("10.1.0." + (i + 1), 9000));
    }
    return list;
  }

  private static ConsistentHashLoadBalancer byHeader(List<UpstreamEndpoint> endpoints) {
    return ConsistentHashLoadBalancer.of(
        new Service.ConsistentHash("x-user", null, null), endpoints);
  }

  @Test
  void sameKeyAlwaysGoesToTheSameEndpoint() {
    ConsistentHashLoadBalancer lb = byHeader(endpoints(5));
    UpstreamEndpoint first = lb.pick(TestRequest.of("a", "/").header("x-user", "alice"));
    for (int i = 0; i < 50; i++) {
      assertThat(lb.pick(TestRequest.of("a", "/").header("X-User", "alice"))).isSameAs(first);
    }
    // A table rebuilt from equal endpoints agrees: the ring depends only on address:port.
    assertThat(byHeader(endpoints(5)).pick("alice").key()).isEqualTo(first.key());
  }

  @Test
  void keysSpreadRoughlyEvenly() {
    List<UpstreamEndpoint> eps = endpoints(10);
    ConsistentHashLoadBalancer lb = byHeader(eps);
    Map<UpstreamEndpoint, Integer> counts = new HashMap<>();
    for (int k = 0; k < KEYS; k++) {
      counts.merge(lb.pick("user-" + k), 1, Integer::sum);
    }
    assertThat(counts).hasSize(10);
    assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(7_000, 13_000));
  }

  @Test
  void removingOneEndpointRemapsOnlyItsKeys() {
    List<UpstreamEndpoint> eps = endpoints(10);
    ConsistentHashLoadBalancer before = byHeader(eps);
    UpstreamEndpoint removed = eps.get(3);
    List<UpstreamEndpoint> rest = new ArrayList<>(eps);
    rest.remove(removed);
    ConsistentHashLoadBalancer after = byHeader(rest);
    int moved = 0;
    for (int k = 0; k < KEYS; k++) {
      String key = "user-" + k;
      UpstreamEndpoint was = before.pick(key);
      UpstreamEndpoint now = after.pick(key);
      if (was != removed) {
        assertThat(now).as(key).isSameAs(was);
      } else {
        moved++;
      }
    }
    // About 1/N of the keys move.
    assertThat(moved).isBetween(KEYS / 10 * 7 / 10, KEYS / 10 * 13 / 10);
  }

  @Test
  void requestsWithoutTheKeyAreBalancedRoundRobin() {
    List<UpstreamEndpoint> eps = endpoints(3);
    ConsistentHashLoadBalancer lb = byHeader(eps);
    Set<UpstreamEndpoint> picked = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      picked.add(lb.pick(TestRequest.of("a", "/")));
    }
    assertThat(picked).containsExactlyInAnyOrderElementsOf(eps);
  }

  @Test
  void hashesOnCookieOrClientAddress() {
    List<UpstreamEndpoint> eps = endpoints(8);
    ConsistentHashLoadBalancer byCookie =
        ConsistentHashLoadBalancer.of(new Service.ConsistentHash(null, "session", null), eps);
    ConsistentHashLoadBalancer bySource =
        ConsistentHashLoadBalancer.of(new Service.ConsistentHash(null, null, true), eps);
    assertThat(byCookie.pick(TestRequest.of("a", "/").cookie("session", "s1")))
        .isSameAs(byCookie.pick("s1"));
    assertThat(bySource.pick(TestRequest.of("a", "/").clientAddress("192.0.2.7")))
        .isSameAs(bySource.pick("192.0.2.7"));
  }
}
