package dev.crossgate.sidecar.outbound;

import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import dev.crossgate.policy.server.ca.WorkloadIdentity;
import dev.crossgate.policy.server.store.ChangeSet;
import dev.crossgate.sidecar.SidecarOptions;
import dev.crossgate.sidecar.SidecarServer;
import io.vertx.core.Future;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** A real engine on loopback and the sidecars of namespace {@code shop} a test starts. */
final class MeshFixture implements AutoCloseable {

  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  final PolicyServer engine;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  MeshFixture() throws Exception {
    engine = PolicyServer.start(PolicyServerOptions.defaults(
            Files.createTempDirectory("crossgate-outbound"))
        .withApi("127.0.0.1", 0).withDistributionPort(0));
  }

  /** A sidecar for {@code service} in front of the app on {@code appPort}, ready. */
  SidecarServer sidecar(String service, int appPort) throws Exception {
    String token = await(engine.meshAuthority().joinTokens()
        .create(new WorkloadIdentity("shop", service), Duration.ofHours(1))).token();
    SidecarServer sidecar = SidecarServer.start(SidecarOptions.of(service, "shop", appPort,
            "127.0.0.1:" + engine.distributionPort(), token).withPorts(0, 0, 0)
        .withInboundAddress("127.0.0.1").withDrainPeriod(Duration.ZERO));
    closeables.add(sidecar);
    return sidecar;
  }

  /** Closes {@code closeable} with the fixture. */
  <T extends AutoCloseable> T closing(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  void apply(String yaml) throws Exception {
    List<Resource> resources = PolicyLoader.loadString("test.yaml", yaml).bundleOrThrow()
        .resources();
    await(engine.store().apply(ChangeSet.puts(resources), OptionalLong.empty(), "test", "test"));
  }

  static String admin(SidecarServer sidecar, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + sidecar.adminPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /** Waits until the sidecar's snapshot dump contains every one of {@code texts}. */
  static void awaitDump(SidecarServer sidecar, String... texts) throws Exception {
    awaitTrue(() -> {
      try {
        String dump = admin(sidecar, "/config_dump");
        for (String text : texts) {
          if (!dump.contains(text)) {
            return false;
          }
        }
        return sidecar.ready();
      } catch (Exception e) {
        return false;
      }
    }, "config_dump with " + String.join(", ", texts));
  }

  static void awaitTrue(BooleanSupplier condition, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 30 s: " + what);
      }
      Thread.sleep(20);
    }
  }

  /** A request through {@code sidecar}'s outbound port to {@code host}. */
  static HttpResponse<String> call(SidecarServer sidecar, String host, String path)
      throws Exception {
    return HTTP.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + sidecar.outboundPort() + path))
        .header("host", host).build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * {@code n} calls at once. A peak-EWMA balancer tries an endpoint without a latency sample
   * only when the sampled one costs more than the 30 ms it assumes for it: with a hop answering
   * in a millisecond or two, that takes requests in flight, not one call after another.
   */
  static List<HttpResponse<String>> burst(SidecarServer sidecar, String host, String path,
      int n) {
    List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      calls.add(HTTP.sendAsync(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + sidecar.outboundPort() + path))
          .header("host", host).build(), HttpResponse.BodyHandlers.ofString()));
    }
    return calls.stream().map(java.util.concurrent.CompletableFuture::join).toList();
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception e) {
        // keep closing the rest
      }
    }
    engine.close();
  }
}
