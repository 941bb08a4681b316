package dev.crossgate.policy.server.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.distribution.AppliedSnapshot;
import dev.crossgate.policy.distribution.DistributionClient;
import dev.crossgate.policy.distribution.DistributionClientSettings;
import dev.crossgate.policy.distribution.NodeIdentity;
import dev.crossgate.policy.distribution.v1.CallerTraffic;
import dev.crossgate.policy.distribution.v1.LatencyHistogram;
import dev.crossgate.policy.distribution.v1.NodeRole;
import dev.crossgate.policy.distribution.v1.ServiceTraffic;
import dev.crossgate.policy.distribution.v1.TrafficReport;
import dev.crossgate.policy.server.FreePorts;
import dev.crossgate.policy.server.LoopbackCluster;
import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import dev.crossgate.policy.server.distribution.DistributionService;
import dev.crossgate.policy.server.store.ChangeSet;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two clustered engines: a sidecar's traffic reports reach engine A, and engine B's migrations
 * API shows them (the reports are shared through the replicated {@code crossgate-traffic} cache).
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ClusteredMigrationEvidenceTest {

  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .build();

  @TempDir Path data;
  final PolicyServer[] engines = new PolicyServer[2];
  int[] ports;
  Vertx vertx;
  DistributionClient client;

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      await(client.close());
    }
    if (vertx != null) {
      await(vertx.close());
    }
    for (PolicyServer engine : engines) {
      if (engine != null) {
        engine.close();
      }
    }
  }

  PolicyServer start(int n) {
    PolicyServerOptions options = LoopbackCluster.options(data, n, 2, ports);
    return PolicyServer.start(options, new DistributionService.Settings(Duration.ofMillis(200),
        Duration.ofSeconds(2)));
  }

  @Test
  void aReportToOneEngineIsEvidenceOnAnother() throws Exception {
    ports = FreePorts.block(4);
    Thread other = new Thread(() -> engines[1] = start(1));
    other.start();
    engines[0] = start(0);
    other.join();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (engines[0].clusterMembers().size() < 2 || engines[1].clusterMembers().size() < 2) {
      assertThat(System.nanoTime()).as("a cluster of two in 60 s").isLessThan(deadline);
      Thread.sleep(25);
    }
    var bundle = PolicyLoader.loadString("t.yaml", """
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: b, namespace: shop}
        spec: {endpoints: [{address: 127.0.0.1, port: 1}]}
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: MeshMigration
        metadata: {name: b, namespace: shop}
        spec: {service: {name: b}, stage: permissive}
        """).bundleOrThrow();
    await(engines[0].store().apply(ChangeSet.puts(bundle.resources()), OptionalLong.empty(),
        "test", "test"));

    AtomicLong requests = new AtomicLong(5);
    vertx = Vertx.vertx();
    client = DistributionClient.start(vertx, new DistributionClientSettings(
            List.of(SocketAddress.inetSocketAddress(engines[0].distributionPort(), "127.0.0.1")),
            Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofMillis(50),
            Duration.ofMillis(500)),
        new NodeIdentity("sidecar-b-1", NodeRole.NODE_ROLE_SIDECAR, "", "b", "shop", "test"),
        () -> AppliedSnapshot.NONE, snapshot -> Future.succeededFuture(),
        new DistributionClient.ConnectionListener() { })
        .reportTraffic(() -> TrafficReport.newBuilder().setStartedAtMillis(1)
            .addServices(ServiceTraffic.newBuilder().setNamespace("shop").setService("b")
                .setStage("permissive")
                .addCallers(CallerTraffic.newBuilder().setCaller("plaintext/private")
                    .setMtls(false).setRequests(requests.get()))
                .setLatency(LatencyHistogram.newBuilder().addUpperBoundsMillis(5)
                    .addCounts(requests.get()).addCounts(0)))
            .build());

    String token = Files.readString(data.resolve("engine-1/tokens/admin.token")).strip();
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    JsonObject status;
    do {
      assertThat(System.nanoTime()).as("evidence on engine B in 30 s").isLessThan(deadline);
      Thread.sleep(50);
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(
              "http://127.0.0.1:" + engines[1].apiPort() + "/api/v1/migrations/shop/b"))
          .header("Authorization", "Bearer " + token).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      status = new JsonObject(response.body());
    } while (status.getInteger("reportingNodes") < 1);

    assertThat(status.getJsonObject("after").getLong("plaintext")).isEqualTo(5);
    assertThat(status.getJsonArray("callers").getJsonObject(0).getString("caller"))
        .isEqualTo("plaintext/private");
    assertThat(status.getJsonObject("verdict").getJsonArray("notes").encode())
        .contains("1 caller still uses plaintext: plaintext/private");
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
