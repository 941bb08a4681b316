package dev.crossgate.sidecar;

import static dev.crossgate.sidecar.MeshHopTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import dev.crossgate.policy.server.ca.WorkloadIdentity;
import dev.crossgate.policy.server.store.ChangeSet;
import dev.crossgate.routing.mesh.WorkloadCertificate;
import dev.crossgate.testkit.TestBackend;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A full root rotation with the real engine and two sidecars under continuous traffic both ways:
 * through the sidecars (pooled mTLS connections) and over a fresh mTLS connection per request
 * made with sidecar A's certificate and trust bundle of the moment (so every handshake of the
 * rotation is tested, not only connections opened before it). No request may fail; both
 * certificates end up issued by the new root; the old root leaves the bundle and a certificate
 * from it is refused; no private key appears in the API's answers or in any log line.
 */
class RootRotationUnderTrafficTest {

  Path data;
  PolicyServer engine;
  TestBackend appA;
  TestBackend appB;
  SidecarServer sidecarA;
  SidecarServer sidecarB;
  Vertx vertx;
  final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void start() throws Exception {
    logs.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    data = Files.createTempDirectory("crossgate-rotation");
    engine = PolicyServer.start(PolicyServerOptions.defaults(data).withApi("127.0.0.1", 0)
        .withDistributionPort(0));
    appA = TestBackend.start("app-a");
    appB = TestBackend.start("app-b");
    sidecarA = SidecarServer.start(options("a", appA.port()));
    sidecarB = SidecarServer.start(options("b", appB.port()));
    apply("""
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: a, namespace: shop}
        spec:
          endpoints: [{address: 127.0.0.1, port: %d}]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: b, namespace: shop}
        spec:
          endpoints: [{address: 127.0.0.1, port: %d}]
        """.formatted(sidecarA.inboundPort(), sidecarB.inboundPort()));
    MeshHopTest.awaitReady(sidecarA);
    MeshHopTest.awaitReady(sidecarB);
    MeshHopTest.awaitSnapshotWith(sidecarA, "shop/b");
    MeshHopTest.awaitSnapshotWith(sidecarB, "shop/a");
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    if (vertx != null) {
      await(vertx.close());
    }
    for (AutoCloseable closeable : new AutoCloseable[] {sidecarA, sidecarB, appA, appB, engine}) {
      if (closeable != null) {
        closeable.close();
      }
    }
  }

  @Test
  void aFullRotationUnderTrafficFailsNoRequest() throws Exception {
    String oldRoot = engine.meshAuthority().signingRootSha256();
    WorkloadCertificate oldA = sidecarA.certificates().current().orElseThrow();
    assertThat(oldA.issuerRootSha256()).isEqualTo(oldRoot);

    AtomicBoolean running = new AtomicBoolean(true);
    Map<String, AtomicInteger> ok = new ConcurrentHashMap<>();
    List<String> failures = new CopyOnWriteArrayList<>();
    List<Thread> traffic = List.of(
        loop(running, "a->b via sidecars", ok, failures, () -> viaSidecar(sidecarA, "b")),
        loop(running, "b->a via sidecars", ok, failures, () -> viaSidecar(sidecarB, "a")),
        loop(running, "fresh mTLS a->b", ok, failures, this::freshConnectionAToB));
    traffic.forEach(Thread::start);
    eventually(() -> traffic(ok) >= 10, "traffic before the rotation");

    HttpResponse<String> rotated = api("POST", "/api/v1/ca/rotate");
    assertThat(rotated.statusCode()).isEqualTo(202);
    String newRoot = new JsonObject(rotated.body()).getJsonArray("roots").getJsonObject(0)
        .getString("sha256");
    List<String> phases = new CopyOnWriteArrayList<>();
    eventually(() -> {
      String phase = engine.meshAuthority().roots().phase();
      if (phases.isEmpty() || !phases.get(phases.size() - 1).equals(phase)) {
        phases.add(phase);
      }
      return phase.equals("stable");
    }, "the rotation to finish");
    int atRetirement = traffic(ok);
    eventually(() -> traffic(ok) >= atRetirement + 10, "traffic after the rotation");
    running.set(false);
    for (Thread thread : traffic) {
      thread.join(30_000);
    }

    assertThat(failures).isEmpty();
    assertThat(phases).contains("reissuing").endsWith("stable");
    WorkloadCertificate a = sidecarA.certificates().current().orElseThrow();
    WorkloadCertificate b = sidecarB.certificates().current().orElseThrow();
    assertThat(a.issuerRootSha256()).isEqualTo(newRoot);
    assertThat(b.issuerRootSha256()).isEqualTo(newRoot);
    assertThat(engine.meshAuthority().trustRootsPem()).hasSize(1);
    String oldRootPem = oldA.chainPem().substring(oldA.chainPem().indexOf("-----END CERTIFICATE-----")
        + "-----END CERTIFICATE-----".length()).strip();
    assertThat(engine.meshAuthority().trustBundlePem()).doesNotContain(oldRootPem);
    eventually(() -> !sidecarA.certificates().current().orElseThrow().trustBundlePem()
        .contains(oldRootPem) && !sidecarB.certificates().current().orElseThrow()
        .trustBundlePem().contains(oldRootPem), "the old root to leave both sidecars' bundles");
    // A certificate from the retired root no longer gets through B's inbound handshake.
    Throwable refused = catchFailure(() -> fresh(oldA, sidecarB.inboundPort()));
    assertThat(refused).isNotNull();
    // New connections with the new certificates work.
    assertThat(fresh(a, sidecarB.inboundPort())).isEqualTo(200);

    JsonObject status = new JsonObject(api("GET", "/api/v1/ca").body());
    assertThat(status.getString("signingRootSha256")).isEqualTo(newRoot);
    assertThat(status.getJsonArray("roots").getJsonObject(1).getString("sha256")).isEqualTo(oldRoot);
    assertThat(status.getJsonArray("roots").getJsonObject(1).getString("state")).isEqualTo("retired");
    assertThat(status.encode()).doesNotContain("PRIVATE").doesNotContain("BEGIN");
    for (ILoggingEvent event : logs.list) {
      assertThat(event.getFormattedMessage()).doesNotContain("PRIVATE KEY");
    }
  }

  private int viaSidecar(SidecarServer from, String to) throws Exception {
    return http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + from.outboundPort() + "/rotation"))
        .header("host", to).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private int freshConnectionAToB() throws Exception {
    return fresh(sidecarA.certificates().current().orElseThrow(), sidecarB.inboundPort());
  }

  /** One request over a new mTLS connection with {@code certificate}'s key, chain and bundle. */
  private int fresh(WorkloadCertificate certificate, int port) throws Exception {
    HttpClientAgent client = vertx.httpClientBuilder().with(new HttpClientOptions().setSsl(true)
        .setKeyCertOptions(certificate.keyCertOptions())
        .setTrustOptions(certificate.trustOptions())
        .setVerifyHost(false).setKeepAlive(false)
        .setEnabledSecureTransportProtocols(java.util.Set.of("TLSv1.3"))).build();
    try {
      return await(client.request(new RequestOptions().setMethod(HttpMethod.GET)
              .setHost("127.0.0.1").setPort(port).setURI("/fresh"))
          .compose(request -> request.send())
          .compose(response -> response.body().map(body -> response))
          .map(HttpClientResponse::statusCode));
    } finally {
      await(client.close());
    }
  }

  private interface Call {
    int run() throws Exception;
  }

  private static Thread loop(AtomicBoolean running, String name, Map<String, AtomicInteger> ok,
      List<String> failures, Call call) {
    ok.put(name, new AtomicInteger());
    return new Thread(() -> {
      while (running.get()) {
        try {
          int status = call.run();
          if (status == 200) {
            ok.get(name).incrementAndGet();
          } else {
            failures.add(name + ": HTTP " + status);
          }
        } catch (Exception e) {
          failures.add(name + ": " + e);
        }
      }
    }, name);
  }

  private static int traffic(Map<String, AtomicInteger> ok) {
    return ok.values().stream().mapToInt(AtomicInteger::get).min().orElse(0);
  }

  private static Throwable catchFailure(Call call) {
    try {
      call.run();
      return null;
    } catch (Exception e) {
      return e;
    }
  }

  private HttpResponse<String> api(String method, String path) throws Exception {
    String admin = Files.readString(data.resolve("tokens/admin.token")).strip();
    return http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + engine.apiPort() + path))
        .header("Authorization", "Bearer " + admin)
        .method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private SidecarOptions options(String service, int appPort) throws Exception {
    String token = await(engine.meshAuthority().joinTokens()
        .create(new WorkloadIdentity("shop", service), Duration.ofHours(1))).token();
    return SidecarOptions.of(service, "shop", appPort, "127.0.0.1:" + engine.distributionPort(),
        token).withPorts(0, 0, 0).withInboundAddress("127.0.0.1");
  }

  private void apply(String yaml) throws Exception {
    List<Resource> resources = PolicyLoader.loadString("test.yaml", yaml).bundleOrThrow()
        .resources();
    await(engine.store().apply(ChangeSet.puts(resources), OptionalLong.empty(), "test", "test"));
  }

  private static void eventually(BooleanSupplier condition, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }
}
