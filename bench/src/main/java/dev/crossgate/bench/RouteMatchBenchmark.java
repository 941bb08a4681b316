package dev.crossgate.bench;

import dev.crossgate.policy.model.HttpRoute;
import dev.crossgate.routing.route.RouteEntry;
import dev.crossgate.routing.route.RouteTable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one {@link RouteTable#match} as the table grows. The routes are a realistic mix:
 * one host per ten routes (a tenth of them wildcards), about half {@code Exact} paths, the rest
 * {@code PathPrefix}, one in ten with a header match, and a per-host fallback prefix. Lookups
 * cycle over 1,024 pre-built requests so that branch prediction and caches see varied input.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RouteMatchBenchmark {

  private static final int REQUESTS = 1024;

  @Param({"10", "1000", "10000"})
  int routes;

  private RouteTable<String> table;
  private final BenchRequest[] hits = new BenchRequest[REQUESTS];
  private final BenchRequest[] misses = new BenchRequest[REQUESTS];
  private int next;

  @Setup
  public void setUp() {
    int hosts = Math.max(1, routes / 10);
    List<RouteEntry<String>> entries = new ArrayList<>(routes + hosts);
    Instant created = Instant.parse("2026-11-01T00:00:00Z");
    for (int h = 0; h < hosts; h++) {
      entries.add(entry(hostname(h), "fallback-" + h, prefix("/"), null, null, created));
    }
    for (int i = 0; i < routes; i++) {
      int h = i % hosts;
      String path = "/api/v1/svc" + i;
      if (i % 10 == 0) {
        entries.add(entry(hostname(h), "canary-" + i, prefix(path), "x-canary", "true", created));
      } else if (i % 2 == 0) {
        entries.add(entry(hostname(h), "exact-" + i, exact(path), null, null, created));
      } else {
        entries.add(entry(hostname(h), "prefix-" + i, prefix(path), null, null, created));
      }
    }
    table = RouteTable.build(entries);

    Random random = new Random(42);
    for (int r = 0; r < REQUESTS; r++) {
      int i = random.nextInt(routes);
      String host = requestHost(i % hosts, r);
      String path = "/api/v1/svc" + i;
      if (i % 10 == 0) {
        hits[r] = new BenchRequest(host, path + "/items", "GET", "X-Canary", "true");
      } else if (i % 2 == 0) {
        hits[r] = BenchRequest.get(host, path);
      } else {
        hits[r] = BenchRequest.get(host, path + "/items/" + r);
      }
      // Misses: unknown hosts, half of them with paths that exist on other hosts.
      misses[r] = BenchRequest.get("unknown-" + r + ".example.org", r % 2 == 0 ? path : "/nope");
    }
    for (BenchRequest hit : hits) {
      if (table.match(hit) == null) {
        throw new IllegalStateException("expected a hit: " + hit.host() + hit.path());
      }
    }
    for (BenchRequest miss : misses) {
      if (table.match(miss) != null) {
        throw new IllegalStateException("expected a miss: " + miss.host() + miss.path());
      }
    }
  }

  private static String hostname(int h) {
    return h % 10 == 9 ? "*.tenant" + h + ".example.com" : "svc" + h + ".example.com";
  }

  private static String requestHost(int h, int r) {
    return h % 10 == 9
        ? "app" + (r % 3) + ".tenant" + h + ".example.com"
        : "svc" + h + ".example.com";
  }

  private static HttpRoute.PathMatch exact(String path) {
    return new HttpRoute.PathMatch("Exact", path);
  }

  private static HttpRoute.PathMatch prefix(String path) {
    return new HttpRoute.PathMatch("PathPrefix", path);
  }

  private static RouteEntry<String> entry(
      String hostname,
      String name,
      HttpRoute.PathMatch path,
      String header,
      String value,
      Instant created) {
    List<HttpRoute.ValueMatch> headers =
        header == null ? List.of() : List.of(new HttpRoute.ValueMatch("Exact", header, value));
    return new RouteEntry<>(
        List.of(hostname),
        new HttpRoute.Match(path, headers, List.of(), null),
        created,
        "bench",
        name,
        0,
        0,
        name);
  }

  @Benchmark
  public RouteEntry<String> matchHit() {
    next = (next + 1) & (REQUESTS - 1);
    return table.match(hits[next]);
  }

  @Benchmark
  public RouteEntry<String> matchMiss() {
    next = (next + 1) & (REQUESTS - 1);
    return table.match(misses[next]);
  }
}
