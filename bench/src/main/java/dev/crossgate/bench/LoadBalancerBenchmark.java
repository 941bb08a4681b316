package dev.crossgate.bench;

import dev.crossgate.policy.model.Service;
import dev.crossgate.routing.lb.LoadBalancer;
import dev.crossgate.routing.lb.LoadBalancers;
import dev.crossgate.routing.lb.UpstreamEndpoint;
import dev.crossgate.routing.lb.WeightedChoice;
import java.util.ArrayList;
import java.util.List;
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

/** The cost of {@link LoadBalancer#pick} per balancer type over 20 endpoints. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LoadBalancerBenchmark {

  private static final int ENDPOINTS = 20;
  private static final int REQUESTS = 1024;

  @Param({"RoundRobin", "LeastRequest", "PeakEwma", "ConsistentHash"})
  String type;

  private LoadBalancer balancer;
  private WeightedChoice<String> backends;
  private final BenchRequest[] requests = new BenchRequest[REQUESTS];
  private int next;

  @Setup
  public void setUp() {
    List<UpstreamEndpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < ENDPOINTS; i++) {
      UpstreamEndpoint endpoint = UpstreamEndpoint.of("10.0.0." + (i + 1), 8080);
      endpoint.recordLatency((1 + i % 5) * 1_000_000L);
      for (int a = 0; a < i % 3; a++) {
        endpoint.start();
      }
      endpoints.add(endpoint);
    }
    Service.ConsistentHash hashOn =
        "ConsistentHash".equals(type) ? new Service.ConsistentHash("x-user", null, null) : null;
    balancer = LoadBalancers.create(new Service.LoadBalancer(type, hashOn), endpoints);
    backends = WeightedChoice.of(List.of("stable", "canary", "off"), List.of(90, 10, 0));
    for (int r = 0; r < REQUESTS; r++) {
      requests[r] = new BenchRequest("svc.example.com", "/", "GET", "x-user", "user-" + r);
    }
  }

  @Benchmark
  public UpstreamEndpoint pick() {
    next = (next + 1) & (REQUESTS - 1);
    return balancer.pick(requests[next]);
  }

  @Benchmark
  public String weightedBackend() {
    return backends.pick();
  }
}
