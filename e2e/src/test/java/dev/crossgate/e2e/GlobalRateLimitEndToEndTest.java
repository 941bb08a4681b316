package dev.crossgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.gateway.GatewayOptions;
import dev.crossgate.gateway.GatewayServer;
import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import dev.crossgate.policy.server.store.ChangeSet;
import dev.crossgate.policy.server.store.InfinispanOptions;
import dev.crossgate.routing.upstream.UpstreamClient;
import dev.crossgate.testkit.BackendExtension;
import io.vertx.core.Future;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Global rate limits with the real parts: a policy engine (and a cluster of two) with its
 * Infinispan, three gateways on port 0 leasing tokens over gRPC, and real HTTP clients. Three
 * times the budget is sent through all three gateways and the admitted requests are counted; the
 * engine is stopped and each failure mode is checked.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class GlobalRateLimitEndToEndTest {

  /** The budget of the accuracy runs: 600 requests per hour for one tenant. */
  static final int LIMIT = 600;

  @RegisterExtension static final BackendExtension APP = new BackendExtension("app");

  @TempDir Path dir;
  final List<PolicyServer> engines = new ArrayList<>();
  final List<GatewayServer> gateways = new ArrayList<>();
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void stop() {
    gateways.forEach(GatewayServer::close);
    for (PolicyServer engine : engines) {
      if (engine != null) {
        engine.close();
      }
    }
  }

  String policies() {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: edge, namespace: default}
        spec:
          listeners:
            - {name: http, port: 8080, protocol: HTTP}
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: app, namespace: default}
        spec:
          endpoints:
            - {address: 127.0.0.1, port: %d}
        ---
        %s
        ---
        %s
        ---
        %s
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: RateLimitPolicy
        metadata: {name: per-tenant, namespace: default}
        spec:
          targetRefs:
            - {kind: HTTPRoute, name: tenants}
          scope: Global
          limits:
            - name: per-tenant
              key: {type: Header, name: x-tenant}
              requests: %d
              unit: Hour
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: RateLimitPolicy
        metadata: {name: open, namespace: default}
        spec:
          targetRefs:
            - {kind: HTTPRoute, name: open}
          scope: Global
          failureMode: Open
          limits:
            - name: per-tenant
              key: {type: Header, name: x-tenant}
              requests: 5
              unit: Hour
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: RateLimitPolicy
        metadata: {name: closed, namespace: default}
        spec:
          targetRefs:
            - {kind: HTTPRoute, name: closed}
          scope: Global
          failureMode: Closed
          limits:
            - name: per-tenant
              key: {type: Header, name: x-tenant}
              requests: 5
              unit: Hour
        """.formatted(APP.port(), route("tenants", "/tenants"), route("open", "/open"),
        route("closed", "/closed") + "\n---\n" + route("probe", "/probe"), LIMIT);
  }

  static String route(String name, String prefix) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: %s, namespace: default}
        spec:
          parentRefs: [{name: edge}]
          rules:
            - matches: [{path: {type: PathPrefix, value: %s}}]
              backendRefs: [{name: app}]
        """.formatted(name, prefix);
  }

  void apply(PolicyServer engine) throws Exception {
    await(engine.store().apply(ChangeSet.puts(PolicyLoader.loadString("e2e.yaml", policies())
        .bundleOrThrow().resources()), OptionalLong.empty(), "e2e", "global limits"));
  }

  GatewayServer gateway(int n, PolicyServer engine) throws Exception {
    GatewayServer gateway = GatewayServer.start(new GatewayOptions(List.of(), null, "127.0.0.1",
        "127.0.0.1", 0, Map.of("http", 0), Duration.ofSeconds(1), 2,
        UpstreamClient.Settings.defaults(), null, "127.0.0.1:" + engine.distributionPort(),
        dir.resolve("gateway-" + n), "gateway-" + n));
    gateways.add(gateway);
    eventually(() -> status(gateway, "/probe", "ready") == 200);
    return gateway;
  }

  @Test
  void threeGatewaysOnOneEngineAdmitTheBudgetToWithinTwoPercent() throws Exception {
    PolicyServer engine = PolicyServer.start(PolicyServerOptions.defaults(dir.resolve("engine"))
        .withApi("127.0.0.1", 0).withDistributionPort(0));
    engines.add(engine);
    apply(engine);
    List<GatewayServer> three = List.of(gateway(0, engine), gateway(1, engine),
        gateway(2, engine));

    Run run = sendThreeTimesTheBudget(three);
    assertThat(run.admitted()).as("admitted of %d through 3 gateways", LIMIT)
        .isBetween((int) (LIMIT * 0.98), (int) (LIMIT * 1.02));
    assertThat(run.admitted() + run.refused()).isEqualTo(3 * LIMIT);
    HttpResponse<String> refused = run.lastRefusal();
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("x-crossgate-error")).hasValue("rate_limited");
    assertThat(refused.headers().firstValue("ratelimit-limit")).hasValue(String.valueOf(LIMIT));
    assertThat(refused.headers().firstValue("ratelimit-remaining")).hasValue("0");
    long reset = Long.parseLong(refused.headers().firstValue("ratelimit-reset").orElseThrow());
    assertThat(reset).isBetween(1L, 3600L);
    assertThat(Long.parseLong(refused.headers().firstValue("retry-after").orElseThrow()))
        .isBetween(1L, 3600L);
    assertThat(refused.body()).contains("limit per-tenant of RateLimitPolicy default/per-tenant"
        + " (600 requests per Hour, global) is used up for this client");
    for (GatewayServer gateway : three) {
      assertThat(metrics(gateway)).contains("crossgate_ratelimit_global_leases_total{limit=\"per-tenant\",policy=\"default/per-tenant\",result=\"granted\"}");
    }
  }

  @Test
  void threeGatewaysOnTwoClusteredEnginesAdmitTheBudgetToWithinTwoPercent() throws Exception {
    int[] ports = freeBlock(5); // JGroups 0..1, FD_SOCK2 at +3
    String members = "127.0.0.1[" + ports[0] + "],127.0.0.1[" + ports[1] + "]";
    List<Thread> starters = new ArrayList<>();
    PolicyServer[] started = new PolicyServer[2];
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int i = 0; i < 2; i++) {
      int n = i;
      Thread thread = new Thread(() -> {
        try {
          started[n] = PolicyServer.start(PolicyServerOptions.defaults(dir.resolve("engine-" + n))
              .withApi("127.0.0.1", 0).withDistributionPort(0)
              .withCluster(InfinispanOptions.TCP_STACK, "engine-" + n)
              .withClusterProperties(Map.of(
                  PolicyServerOptions.BIND_ADDR, "127.0.0.1",
                  PolicyServerOptions.BIND_PORT, String.valueOf(ports[n]),
                  PolicyServerOptions.INITIAL_HOSTS, members,
                  PolicyServerOptions.FD_OFFSET, "3")));
        } catch (Throwable e) {
          failure.set(e);
        }
      });
      starters.add(thread);
      thread.start();
    }
    for (Thread thread : starters) {
      thread.join();
    }
    engines.addAll(List.of(started));
    assertThat(failure.get()).isNull();
    eventually(() -> started[0].clusterMembers().size() == 2
        && started[1].clusterMembers().size() == 2);
    apply(started[0]);
    // Two gateways lease from engine A, one from engine B: one budget between them.
    List<GatewayServer> three = List.of(gateway(0, started[0]), gateway(1, started[0]),
        gateway(2, started[1]));

    Run run = sendThreeTimesTheBudget(three);
    assertThat(run.admitted()).as("admitted of %d through 3 gateways on 2 engines", LIMIT)
        .isBetween((int) (LIMIT * 0.98), (int) (LIMIT * 1.02));
  }

  @Test
  void withTheEngineStoppedOpenFallsBackToPerReplicaLimitsAndClosedRefuses() throws Exception {
    PolicyServer engine = PolicyServer.start(PolicyServerOptions.defaults(dir.resolve("engine"))
        .withApi("127.0.0.1", 0).withDistributionPort(0));
    engines.add(engine);
    apply(engine);
    GatewayServer gateway = gateway(0, engine);
    // With the engine: 5 per hour for a tenant, counted globally, either mode.
    for (String path : List.of("/open", "/closed")) {
      List<Integer> statuses = IntStream.range(0, 7).mapToObj(i -> status(gateway, path, "t1"))
          .toList();
      assertThat(statuses).as(path).containsExactly(200, 200, 200, 200, 200, 429, 429);
    }
    engines.clear();
    engine.close();

    // Open: a new tenant is limited per replica (5 per hour here), not refused.
    List<Integer> open = IntStream.range(0, 7).mapToObj(i -> status(gateway, "/open", "t2"))
        .toList();
    assertThat(open).containsExactly(200, 200, 200, 200, 200, 429, 429);
    assertThat(metrics(gateway)).contains("crossgate_ratelimit_global_fallbacks_total{limit=\"per-tenant\",mode=\"open\",policy=\"default/open\"}");

    // Closed: refused, saying the global limiter is unavailable.
    HttpResponse<String> closed = send(gateway, "/closed", "t2");
    assertThat(closed.statusCode()).isEqualTo(429);
    assertThat(closed.headers().firstValue("x-crossgate-error")).hasValue("rate_limited");
    assertThat(closed.headers().firstValue("ratelimit-limit")).hasValue("5");
    assertThat(closed.headers().firstValue("ratelimit-remaining")).hasValue("0");
    assertThat(closed.headers().firstValue("ratelimit-reset")).hasValue("1");
    assertThat(closed.headers().firstValue("retry-after")).hasValue("1");
    assertThat(closed.body()).contains("limit per-tenant of RateLimitPolicy default/closed"
        + " (5 requests per Hour, global) cannot be checked: the global rate limiter (the"
        + " policy engine) is unavailable and the policy's failureMode is Closed");
    assertThat(metrics(gateway)).contains("crossgate_ratelimit_global_fallbacks_total{limit=\"per-tenant\",mode=\"closed\",policy=\"default/closed\"}");
    // The route without a limit is not affected.
    assertThat(status(gateway, "/probe", "t2")).isEqualTo(200);
  }

  record Run(int admitted, int refused, HttpResponse<String> lastRefusal) {}

  /**
   * Sends three times the budget for one fresh tenant, a third through each gateway, nine
   * clients at once. Windows are hours aligned on the clock: a run that crosses the top of the
   * hour is counted across two budgets, so it is done again with a new tenant.
   */
  Run sendThreeTimesTheBudget(List<GatewayServer> three) throws Exception {
    // Each gateway's first lease opens its connection to the engine: not part of the count.
    for (GatewayServer gateway : three) {
      assertThat(status(gateway, "/tenants", "warm-up")).isEqualTo(200);
    }
    while (true) {
      long hour = System.currentTimeMillis() / 3_600_000;
      String tenant = "tenant-" + UUID.randomUUID();
      AtomicInteger admitted = new AtomicInteger();
      AtomicInteger refused = new AtomicInteger();
      AtomicReference<HttpResponse<String>> lastRefusal = new AtomicReference<>();
      AtomicReference<String> unexpected = new AtomicReference<>();
      ExecutorService clients = Executors.newFixedThreadPool(9);
      try {
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (int c = 0; c < 9; c++) {
          GatewayServer gateway = three.get(c % 3);
          done.add(clients.submit(() -> {
            for (int i = 0; i < LIMIT / 3; i++) {
              HttpResponse<String> response = send(gateway, "/tenants", tenant);
              if (response.statusCode() == 200) {
                admitted.incrementAndGet();
              } else if (response.statusCode() == 429) {
                refused.incrementAndGet();
                lastRefusal.set(response);
              } else {
                unexpected.set(response.statusCode() + " " + response.body());
              }
            }
          }));
        }
        for (java.util.concurrent.Future<?> future : done) {
          future.get(120, TimeUnit.SECONDS);
        }
      } finally {
        clients.shutdownNow();
      }
      assertThat(unexpected.get()).isNull();
      System.out.printf("global limit %d: %d admitted, %d refused through %d gateways%n", LIMIT,
          admitted.get(), refused.get(), three.size());
      if (System.currentTimeMillis() / 3_600_000 == hour) {
        return new Run(admitted.get(), refused.get(), lastRefusal.get());
      }
    }
  }

  HttpResponse<String> send(GatewayServer gateway, String path, String tenant) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
              + gateway.port("http") + path)).header("x-tenant", tenant)
          .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  int status(GatewayServer gateway, String path, String tenant) {
    return send(gateway, path, tenant).statusCode();
  }

  String metrics(GatewayServer gateway) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + gateway.adminPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  static void eventually(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        // not yet: e.g. no listener bound yet
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("condition not met within 60 s");
      }
      Thread.sleep(50);
    }
  }

  static int[] freeBlock(int count) {
    for (int attempt = 0; attempt < 200; attempt++) {
      int base = 30_000 + ThreadLocalRandom.current().nextInt(10_000);
      boolean free = true;
      for (int port = base; port < base + count && free; port++) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
          socket.setReuseAddress(true);
        } catch (IOException e) {
          free = false;
        }
      }
      if (free) {
        return IntStream.range(base, base + count).toArray();
      }
    }
    throw new IllegalStateException("no block of " + count + " free ports");
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
