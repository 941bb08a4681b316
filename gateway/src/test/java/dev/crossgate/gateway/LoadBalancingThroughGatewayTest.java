package dev.crossgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.testkit.BackendExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Load balancers and weighted backendRefs, observed through a real gateway. */
class LoadBalancingThroughGatewayTest {

  @RegisterExtension static final BackendExtension ONE = new BackendExtension("one");
  @RegisterExtension static final BackendExtension TWO = new BackendExtension("two");
  @RegisterExtension static final BackendExtension THREE = new BackendExtension("three");

  @TempDir static Path dir;
  static GatewayFixture gateway;

  @BeforeAll
  static void start() throws Exception {
    String endpoints = "[{address: 127.0.0.1, port: %d}, {address: 127.0.0.1, port: %d},"
        .formatted(ONE.port(), TWO.port()) + " {address: 127.0.0.1, port: %d}]"
        .formatted(THREE.port());
    gateway = GatewayFixture.start(dir, Yaml.GATEWAY + """
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: round-robin}
        spec:
          endpoints: %s
          loadBalancer: {type: RoundRobin}
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: sticky}
        spec:
          endpoints: %s
          loadBalancer: {type: ConsistentHash, consistentHash: {header: x-user-id}}
        """.formatted(endpoints, endpoints)
        + Yaml.service("one", ONE.port())
        + Yaml.service("two", TWO.port())
        + Yaml.prefixRoute("round-robin", "/rr", "[{name: round-robin}]")
        + Yaml.prefixRoute("sticky", "/sticky", "[{name: sticky}]")
        + Yaml.prefixRoute("zero", "/zero", "[{name: one, weight: 0}, {name: two, weight: 1}]")
        + Yaml.prefixRoute("split", "/split",
            "[{name: one, weight: 50}, {name: two, weight: 50}]"));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static String backend(String path, String... headers) throws Exception {
    HttpResponse<String> response = gateway.get(path, headers);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.headers().firstValue("x-backend").orElseThrow();
  }

  private static Map<String, Integer> count(String path, int requests) throws Exception {
    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < requests; i++) {
      counts.merge(backend(path), 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void roundRobinSpreadsExactlyEvenly() throws Exception {
    assertThat(count("/rr", 30)).containsExactlyInAnyOrderEntriesOf(
        Map.of("one", 10, "two", 10, "three", 10));
  }

  @Test
  void consistentHashKeepsAKeyOnOneBackend() throws Exception {
    Set<String> seen = new HashSet<>();
    for (int key = 0; key < 20; key++) {
      String first = backend("/sticky", "x-user-id", "user-" + key);
      for (int i = 0; i < 5; i++) {
        assertThat(backend("/sticky", "x-user-id", "user-" + key)).as("user-" + key)
            .isEqualTo(first);
      }
      seen.add(first);
    }
    assertThat(seen).as("20 keys over 3 backends").hasSizeGreaterThan(1);
  }

  @Test
  void weightZeroNeverReceivesTraffic() throws Exception {
    assertThat(count("/zero", 50)).containsExactly(Map.entry("two", 50));
    assertThat(ONE.backend().requests()).isEmpty();
  }

  @Test
  void equalWeightsBothReceiveTraffic() throws Exception {
    Map<String, Integer> counts = count("/split", 200);
    assertThat(counts.keySet()).containsExactlyInAnyOrder("one", "two");
    assertThat(counts.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(200);
  }
}
