package dev.crossgate.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import dev.crossgate.policy.server.ca.WorkloadIdentity;
import dev.crossgate.policy.server.store.ChangeSet;
import dev.crossgate.testkit.TestBackend;
import io.vertx.core.Future;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sidecar that restarts while the engine is down serves from what it kept on disk: its
 * last-known-good snapshot (with the mesh endpoints of the services it calls) and its still-valid
 * certificate (key file owner-only), and says so on {@code /ready} and in a metric.
 */
class LastKnownGoodStartTest {

  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path state;
  PolicyServer engine;
  final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void stop() {
    Collections.reverse(open);
    for (AutoCloseable closeable : open) {
      try {
        closeable.close();
      } catch (Exception e) {
        // keep closing the rest
      }
    }
    if (engine != null) {
      engine.close();
    }
  }

  @Test
  void aSidecarRestartedWithTheEngineDownServesFromItsLastKnownGood() throws Exception {
    Path data = Files.createTempDirectory("crossgate-lkg-engine");
    engine = PolicyServer.start(PolicyServerOptions.defaults(data).withApi("127.0.0.1", 0)
        .withDistributionPort(0));
    TestBackend reviewsApp = backend("reviews-app");
    TestBackend frontApp = backend("front-app");
    SidecarServer reviews = SidecarServer.start(options("reviews", reviewsApp.port()));
    open.add(reviews);
    SidecarOptions frontOptions = options("front", frontApp.port()).withStateDir(state);
    SidecarServer front = SidecarServer.start(frontOptions);
    // The direct endpoint is a closed port: only the mesh path can answer.
    apply("""
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: reviews, namespace: shop}
        spec:
          endpoints: [{address: 127.0.0.1, port: 1}]
        """);
    MeshView.awaitMeshEndpoints(front, "shop/reviews", List.of(MeshView.inbound(reviews)));
    assertThat(call(front).statusCode()).isEqualTo(200);
    Path snapshotFile = state.resolve("last-known-good.json");
    Path certificateFile = state.resolve("certificate.json");
    eventually(() -> Files.exists(certificateFile) && Files.exists(snapshotFile)
        && read(snapshotFile).contains("\"port\":" + reviews.inboundPort()));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(certificateFile)))
        .isEqualTo("rw-------");
    assertThat(read(certificateFile)).contains("PRIVATE KEY");

    front.close();
    engine.close();
    engine = null;
    reviewsApp.reset();

    SidecarServer restarted = SidecarServer.start(frontOptions.withPorts(0, 0, 0));
    open.add(restarted);
    HttpResponse<String> ready = admin(restarted, "/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("serving the last-known-good snapshot")
        .contains(snapshotFile.toString())
        .contains("with the certificate kept in " + certificateFile);
    assertThat(admin(restarted, "/metrics").body())
        .contains("crossgate_sidecar_last_known_good 1.0")
        .contains("crossgate_sidecar_kept_certificate 1.0");

    HttpResponse<String> response = call(restarted);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(reviewsApp.requests()).singleElement().satisfies(r ->
        assertThat(r.headers().get("x-crossgate-peer"))
            .containsExactly("spiffe://crossgate.local/ns/shop/sa/front"));
  }

  private TestBackend backend(String name) {
    TestBackend backend = TestBackend.start(name);
    open.add(backend);
    return backend;
  }

  private SidecarOptions options(String service, int appPort) throws Exception {
    String token = await(engine.meshAuthority().joinTokens()
        .create(new WorkloadIdentity("shop", service), Duration.ofHours(1))).token();
    return SidecarOptions.of(service, "shop", appPort, "127.0.0.1:" + engine.distributionPort(),
        token).withPorts(0, 0, 0).withInboundAddress("127.0.0.1")
        .withDrainPeriod(Duration.ofMillis(200));
  }

  private static HttpResponse<String> call(SidecarServer sidecar) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + sidecar.outboundPort() + "/lkg"))
        .header("host", "reviews").build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> admin(SidecarServer sidecar, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + sidecar.adminPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private void apply(String yaml) throws Exception {
    List<Resource> resources = PolicyLoader.loadString("test.yaml", yaml).bundleOrThrow()
        .resources();
    await(engine.store().apply(ChangeSet.puts(resources), OptionalLong.empty(), "test", "test"));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  private static void eventually(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 30 s");
      }
      Thread.sleep(10);
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
