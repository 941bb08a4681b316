package dev.crossgate.bench;

import dev.crossgate.gateway.GatewayOptions;
import dev.crossgate.gateway.GatewayServer;
import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.distribution.AppliedSnapshot;
import dev.crossgate.policy.distribution.DistributionClient;
import dev.crossgate.policy.distribution.DistributionClientSettings;
import dev.crossgate.policy.distribution.NodeIdentity;
import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import dev.crossgate.testkit.TestBackend;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Propagation from the API call that applies a change to the ACK of every subscriber: one engine
 * with 1,000 routes, one real gateway (validates and compiles every snapshot) plus light simulated
 * data planes (rebuild each delta and check its digest before ACKing; {@code validate=1} makes them validate it
 * with {@link PolicyLoader} too), changes applied one at a time with
 * {@code wait=true}. Then route changes in a row under a fixed request rate through the gateway,
 * counting failed requests.
 *
 * <pre>
 * PropagationBenchmark [routes=1000] [subscribers=100] [changes=50] [churn=1000] [rps=1000]
 * </pre>
 */
public final class PropagationBenchmark {

  private static final String TOKEN = "bench-propagation-token-0123456789abcdef";

  public static void main(String[] args) {
    try {
      run(args);
    } catch (Throwable e) {
      System.err.println("propagation benchmark failed: " + e);
      for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
        System.err.println("  caused by: " + cause);
      }
      System.exit(2);
    }
  }

  private static void run(String[] args) throws Exception {
    Map<String, Integer> p = new ConcurrentHashMap<>(Map.of("routes", 1000, "subscribers", 100,
        "changes", 200, "churn", 1000, "rps", 1000, "validate", 0, "pause", 200, "join", 0));
    for (String arg : args) {
      String[] kv = arg.split("=", 2);
      p.put(kv[0], Integer.parseInt(kv[1]));
    }
    int routes = p.get("routes");
    boolean validate = p.get("validate") != 0;
    // join=1: the simulated nodes join each snapshot's resources into the whole JSON text, as
    // every node did before snapshots were kept as parts (for A/B runs of that change).
    boolean join = p.get("join") != 0;
    Path dir = Files.createTempDirectory("crossgate-propagation");
    Path tokens = Files.createDirectories(dir.resolve("engine/tokens"));
    Files.writeString(tokens.resolve("admin.token"), TOKEN + "\n");
    TestBackend backend = TestBackend.start("app");
    PolicyServer engine = PolicyServer.start(PolicyServerOptions.defaults(dir.resolve("engine"))
        .withApi("127.0.0.1", 0).withDistributionPort(0).withBodyLimit(64L << 20));
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    String api = "http://127.0.0.1:" + engine.apiPort() + "/api/v1";
    StringBuilder initial = new StringBuilder("""
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: edge}
        spec:
          listeners: [{name: http, port: 8080, protocol: HTTP}]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: app}
        spec:
          endpoints: [{address: 127.0.0.1, port: %d}]
        """.formatted(backend.port()));
    for (int i = 0; i < routes; i++) {
      initial.append("---\n").append(route(i, 0));
    }
    apply(http, api, initial.toString(), false);

    GatewayServer gateway = GatewayServer.start(GatewayOptions.controlPlane(
            "127.0.0.1:" + engine.distributionPort(), dir.resolve("gateway"))
        .withPorts(Map.of(GatewayOptions.ANY_LISTENER, 0), 0));
    Vertx vertx = Vertx.vertx();
    List<DistributionClient> clients = new ArrayList<>();
    for (int i = 1; i < p.get("subscribers"); i++) {
      AtomicReference<AppliedSnapshot> running = new AtomicReference<>(AppliedSnapshot.NONE);
      clients.add(DistributionClient.start(vertx, DistributionClientSettings.defaults(
              List.of(io.vertx.core.net.SocketAddress.inetSocketAddress(engine.distributionPort(),
                  "127.0.0.1"))),
          NodeIdentity.gateway("sim-" + i, "edge", "bench"), running::get,
          DistributionClient.SnapshotHandler.received(snapshot -> {
            // Light by default: the DistributionClient under each simulated node has already
            // rebuilt the snapshot from its delta and checked its digest (hashing only the new
            // resources), as every real data plane's does, but it does not re-validate 1,000
            // routes: 99 full validations in this one JVM would measure this harness, not
            // propagation (each real data plane validates on its own CPU). validate=1 turns
            // full validation on (on a worker). Like the real gateway, it reads the resources
            // one by one and never joins them into the whole JSON text unless it validates that
            // text; what is left does not block, so it runs on the client's event loop.
            Callable<Void> check = () -> {
              List<String> resources = snapshot.resources();
              if (resources == null ? snapshot.resourcesJson().isEmpty() : resources.isEmpty()) {
                throw new IllegalStateException("no resources in revision "
                    + snapshot.revision());
              }
              if (validate) {
                PolicyLoader.loadString("snapshot.json", snapshot.resourcesJson())
                    .bundleOrThrow();
              } else if (join && snapshot.resourcesJson().isEmpty()) {
                throw new IllegalStateException("no resources in revision "
                    + snapshot.revision());
              }
              running.set(new AppliedSnapshot(snapshot.revision(), snapshot.hash()));
              return null;
            };
            if (validate || join) {
              return vertx.executeBlocking(check, false).mapEmpty();
            }
            try {
              check.call();
              return Future.succeededFuture();
            } catch (Exception e) {
              return Future.failedFuture(e);
            }
          }),
          new DistributionClient.ConnectionListener() { }));
    }
    int subscribers = p.get("subscribers");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (engine.nodes().nodes().size() < subscribers
        || engine.nodes().convergence(1).applied() < subscribers) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("subscribers did not converge: "
            + engine.nodes().convergence(1).summary());
      }
      Thread.sleep(50);
    }
    int gatewayPort = gateway.listenerPorts().values().iterator().next();
    System.out.printf("engine up; %d routes; %d subscribers (1 gateway + %d simulated) on rev 1%n",
        routes, subscribers, subscribers - 1);

    // Warm-up, then measured changes, one at a time, wait=true.
    for (int i = 0; i < 10; i++) {
      apply(http, api, route(i, 1000 + i), true);
    }
    int changes = p.get("changes");
    int pause = p.get("pause");
    long[] micros = new long[changes];
    // Wall-clock bounds of the measured changes, to cut a JFR recording to them (jfr_shares.py).
    System.out.printf("measured changes from %s%n", java.time.LocalTime.now());
    // CPU time of this whole JVM (engine, gateway and simulated nodes) and GC, per change: on a
    // loaded machine the wall-clock figures measure the queue for the CPU, these do not.
    long cpuBefore = processCpuNanos();
    long[] gcBefore = gc();
    for (int i = 0; i < changes; i++) {
      // A user's pace, not a loop's: each change is applied once the previous one has settled
      // (its last ACK is in; what follows it off the ACK's path, such as the gateway's
      // last-known-good write and the garbage it left, gets pause= ms).
      Thread.sleep(pause);
      long start = System.nanoTime();
      JsonObject answer = apply(http, api, route(i, 2000 + i), true);
      micros[i] = (System.nanoTime() - start) / 1000;
      JsonObject convergence = answer.getJsonObject("convergence");
      if (convergence == null || !convergence.getBoolean("complete", false)
          || convergence.getInteger("applied") != subscribers) {
        throw new IllegalStateException("change " + i + " not confirmed by all: " + answer);
      }
    }
    System.out.printf("measured changes until %s%n", java.time.LocalTime.now());
    long cpuPerChange = (processCpuNanos() - cpuBefore) / changes;
    long[] gcAfter = gc();
    System.out.printf("CPU per change (whole JVM): %.1f ms; GC: %d collections, %d ms paused "
            + "over the %d changes%n", cpuPerChange / 1e6, gcAfter[0] - gcBefore[0],
        gcAfter[1] - gcBefore[1], changes);
    Arrays.sort(micros);
    System.out.printf("propagation, API call to last ACK of %d subscribers, %d changes: "
            + "p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", subscribers, changes,
        pct(micros, 50), pct(micros, 99), micros[changes - 1] / 1000.0);

    // Route changes in a row under a fixed request rate through the real gateway.
    int churn = p.get("churn");
    int rps = p.get("rps");
    AtomicLong sent = new AtomicLong();
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    // Requests written to a connection to the gateway; the rest of "sent" still waited in the
    // client's pool for a free connection (the client was ahead of what the gateway answered).
    AtomicLong written = new AtomicLong();
    AtomicLong answeredAfterWrite = new AtomicLong();
    Map<String, Integer> reasons = new ConcurrentHashMap<>();
    // An async Vert.x client on its own event loop, keep-alive HTTP/1.1 connections: the JDK
    // client reached only ~300 rps on these two cores. Each tick sends what is due so far.
    Vertx loadVertx = Vertx.vertx();
    HttpClientAgent load = loadVertx.createHttpClient(new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_1_1).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(64));
    long loadStart = System.nanoTime();
    long loadTimer = loadVertx.setPeriodic(5, id -> {
      long due = (System.nanoTime() - loadStart) * rps / 1_000_000_000L;
      while (sent.get() < due) {
        int r = (int) (sent.incrementAndGet() % routes);
        load.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
                .setPort(gatewayPort).setURI("/r" + r + "/x").setIdleTimeout(10_000))
            .compose(request -> {
              written.incrementAndGet();
              return request.send()
                  .compose(response -> response.body().map(body -> response.statusCode()))
                  .andThen(ar -> answeredAfterWrite.incrementAndGet());
            })
            .onComplete(ar -> {
              if (ar.succeeded() && ar.result() / 100 == 2) {
                ok.incrementAndGet();
              } else {
                failed.incrementAndGet();
                reasons.merge(ar.succeeded() ? "status " + ar.result()
                    : ar.cause().getClass().getSimpleName() + ": " + ar.cause().getMessage(), 1,
                    Integer::sum);
              }
            });
      }
    });
    long churnStart = System.nanoTime();
    for (int i = 0; i < churn; i++) {
      apply(http, api, route(i % routes, 10_000 + i), false);
    }
    long churnMillis = (System.nanoTime() - churnStart) / 1_000_000;
    long last = engine.store().current().toCompletionStage().toCompletableFuture().get()
        .revision();
    while (engine.nodes().convergence(last).applied() < subscribers) {
      Thread.sleep(20);
    }
    long convergedMillis = (System.nanoTime() - churnStart) / 1_000_000;
    Thread.sleep(1000);
    loadVertx.cancelTimer(loadTimer);
    double seconds = (System.nanoTime() - loadStart) / 1e9;
    long answerDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (ok.get() + failed.get() < sent.get() && System.nanoTime() < answerDeadline) {
      Thread.sleep(20); // let the last requests answer
    }
    long unanswered = sent.get() - ok.get() - failed.get();
    System.out.printf("churn: %d route changes in %d ms (all %d subscribers on rev %d after %d ms);"
            + " traffic %d requests in %.1f s (%.0f rps): %d ok, %d failed, %d unanswered"
            + " (%d still waiting in the load client for a connection, %d written to the"
            + " gateway and not answered) %s%n",
        churn, churnMillis, subscribers, last, convergedMillis, sent.get(), seconds,
        sent.get() / seconds, ok.get(), failed.get(), unanswered, sent.get() - written.get(),
        written.get() - answeredAfterWrite.get(), reasons);

    loadVertx.close();
    for (DistributionClient client : clients) {
      client.close();
    }
    vertx.close();
    gateway.close();
    engine.close();
    backend.close();
    System.exit(failed.get() == 0 && unanswered == 0 ? 0 : 1);
  }

  private static String route(int i, int generation) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: r%d, labels: {generation: "g%d"}}
        spec:
          parentRefs: [{name: edge}]
          rules:
            - matches: [{path: {type: PathPrefix, value: /r%d/}}]
              backendRefs: [{name: app}]
        """.formatted(i, generation, i);
  }

  private static JsonObject apply(HttpClient http, String api, String yaml, boolean await)
      throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(api
                + "/apply" + (await ? "?wait=true&timeout=30s" : "")))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "application/yaml")
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofString(yaml)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("apply: " + response.statusCode() + " " + response.body());
    }
    return new JsonObject(response.body());
  }

  /** CPU time used by this JVM so far, in nanoseconds. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** Collections so far and their total time in milliseconds, over all collectors. */
  private static long[] gc() {
    long count = 0;
    long millis = 0;
    for (var collector : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, collector.getCollectionCount());
      millis += Math.max(0, collector.getCollectionTime());
    }
    return new long[] {count, millis};
  }

  private static double pct(long[] sorted, int percentile) {
    int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, index)] / 1000.0;
  }
}
