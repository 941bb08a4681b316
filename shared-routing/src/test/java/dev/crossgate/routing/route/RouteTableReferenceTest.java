package dev.crossgate.routing.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.model.HttpRoute;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Compares {@link RouteTable} with a deliberately naive reference matcher (a linear scan that
 * sorts all candidates) on random tables and requests drawn from small pools, so that hosts,
 * paths and conditions collide often.
 */
class RouteTableReferenceTest {

  private static final String[] HOSTNAMES = {
    "a.com", "x.a.com", "*.a.com", "*.x.a.com", "b.org"
  };
  private static final String[] REQUEST_HOSTS = {
    "a.com", "x.a.com", "y.x.a.com", "b.org", "c.net"
  };
  private static final String[] PATHS = {"/", "/a", "/a/", "/a/b", "/ab", "/a/bc"};
  private static final String[] REQUEST_PATHS = {
    "/", "/a", "/a/", "/a/b", "/a/b/c", "/a/bc", "/ab"
  };
  private static final String[] REGEXES = {"/a.*", "/a/[a-z]+", "/.*c"};

  @Test
  void agreesWithTheNaiveMatcher() {
    Random random = new Random(2026);
    for (int round = 0; round < 300; round++) {
      List<RouteEntry<String>> entries = new ArrayList<>();
      int size = 1 + random.nextInt(25);
      for (int i = 0; i < size; i++) {
        entries.add(randomEntry(random, i));
      }
      RouteTable<String> table = RouteTable.build(entries);
      for (int r = 0; r < 50; r++) {
        TestRequest request =
            TestRequest.of(pick(random, REQUEST_HOSTS), pick(random, REQUEST_PATHS))
                .method(random.nextBoolean() ? "GET" : "POST");
        if (random.nextBoolean()) {
          request.header("h1", "1");
        }
        if (random.nextBoolean()) {
          request.header("h2", "2");
        }
        RouteEntry<String> expected = reference(entries, request);
        RouteEntry<String> actual = table.match(request);
        assertThat(actual)
            .as("round %d, %s %s %s", round, request.host(), request.path(), request.method())
            .isEqualTo(expected);
      }
    }
  }

  private static RouteEntry<String> randomEntry(Random random, int i) {
    List<String> hosts = new ArrayList<>();
    int hostCount = random.nextInt(3);
    for (int h = 0; h < hostCount; h++) {
      hosts.add(pick(random, HOSTNAMES));
    }
    HttpRoute.PathMatch path;
    int kind = random.nextInt(5);
    if (kind == 0) {
      path = new HttpRoute.PathMatch("Exact", pick(random, PATHS));
    } else if (kind == 1) {
      path = new HttpRoute.PathMatch("RegularExpression", pick(random, REGEXES));
    } else {
      path = new HttpRoute.PathMatch("PathPrefix", pick(random, PATHS));
    }
    List<HttpRoute.ValueMatch> headers = new ArrayList<>();
    if (random.nextInt(3) == 0) {
      headers.add(new HttpRoute.ValueMatch("Exact", "h1", "1"));
    }
    if (random.nextInt(3) == 0) {
      headers.add(new HttpRoute.ValueMatch("RegularExpression", "H2", "[0-9]"));
    }
    String method = random.nextInt(3) == 0 ? "GET" : null;
    Instant created =
        random.nextBoolean() ? null : Instant.ofEpochSecond(1_700_000_000L + random.nextInt(3));
    String name = "r" + (char) ('a' + random.nextInt(26)) + i;
    return new RouteEntry<>(
        hosts, new HttpRoute.Match(path, headers, List.of(), method), created,
        random.nextBoolean() ? "ns1" : "ns2", name, random.nextInt(2), random.nextInt(2), name);
  }

  /** Every bucket in host order; within it, all matching entries sorted by path then rules. */
  private static RouteEntry<String> reference(List<RouteEntry<String>> entries, RequestView req) {
    String host = req.host();
    List<String> buckets = new ArrayList<>();
    buckets.add(host);
    for (int i = 1; i < host.length(); i++) {
      if (host.charAt(i) == '.') {
        buckets.add("*" + host.substring(i)); // longest suffix first
      }
    }
    buckets.add(null);
    for (String bucket : buckets) {
      List<CompiledRoute<String>> candidates = new ArrayList<>();
      for (RouteEntry<String> entry : entries) {
        boolean inBucket =
            bucket == null ? entry.hostnames().isEmpty() : entry.hostnames().contains(bucket);
        CompiledRoute<String> route = new CompiledRoute<>(entry);
        if (inBucket && pathMatches(route, req.path()) && route.matchesConditions(req)) {
          candidates.add(route);
        }
      }
      candidates.sort(
          Comparator.<CompiledRoute<String>>comparingInt(r -> rank(r.pathType))
              .thenComparingInt(r -> r.pathType == CompiledRoute.PathType.PREFIX
                  ? -r.pathKey.length() : 0)
              .thenComparing(CompiledRoute.PRECEDENCE));
      if (!candidates.isEmpty()) {
        return candidates.get(0).entry;
      }
    }
    return null;
  }

  private static int rank(CompiledRoute.PathType type) {
    switch (type) {
      case EXACT:
        return 0;
      case REGEX:
        return 1;
      default:
        return 2;
    }
  }

  private static boolean pathMatches(CompiledRoute<String> route, String path) {
    switch (route.pathType) {
      case EXACT:
        return path.equals(route.pathKey);
      case REGEX:
        return path.matches(route.pathKey);
      default:
        String prefix = route.pathKey;
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }
  }

  private static String pick(Random random, String[] values) {
    return values[random.nextInt(values.length)];
  }
}
