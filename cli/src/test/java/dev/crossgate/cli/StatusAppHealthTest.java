package dev.crossgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.distribution.AppHealth;
import dev.crossgate.policy.distribution.AppliedSnapshot;
import dev.crossgate.policy.distribution.DistributionClient;
import dev.crossgate.policy.distribution.DistributionClientSettings;
import dev.crossgate.policy.distribution.NodeIdentity;
import dev.crossgate.policy.distribution.v1.NodeRole;
import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code crossgate status} shows a sidecar's app health as its heartbeats report it, against a
 * real engine and a real distribution stream.
 */
class StatusAppHealthTest {

  @TempDir
  Path data;

  @Test
  void statusShowsTheAppHealthEachSidecarReports() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (PolicyServer engine = PolicyServer.start(PolicyServerOptions.defaults(data)
        .withApi("127.0.0.1", 0).withDistributionPort(0))) {
      AtomicReference<AppHealth> health = new AtomicReference<>(AppHealth.HEALTHY);
      DistributionClient sidecar = DistributionClient.start(vertx,
          DistributionClientSettings.defaults(List.of(
              SocketAddress.inetSocketAddress(engine.distributionPort(), "127.0.0.1"))),
          new NodeIdentity("reviews-1", NodeRole.NODE_ROLE_SIDECAR, "", "reviews", "shop", "test"),
          () -> AppliedSnapshot.NONE, snapshot -> Future.succeededFuture(),
          new DistributionClient.ConnectionListener() {});
      sidecar.reportAppHealth(health::get);
      String token = Files.readString(data.resolve("tokens").resolve("admin.token")).strip();
      String server = "http://127.0.0.1:" + engine.apiPort();

      String healthy = eventually(() -> status(server, token), "reviews-1 ", "healthy");
      assertThat(healthy).contains("APP HEALTH");

      health.set(new AppHealth(true, "status 503", true));
      sidecar.appHealthChanged();
      String unhealthy = eventually(() -> status(server, token), "reviews-1 ",
          "unhealthy: status 503");
      assertThat(unhealthy.lines().filter(l -> l.startsWith("reviews-1 ")).findFirst().orElseThrow())
          .contains("sidecar").contains("unhealthy: status 503");
      sidecar.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static String status(String server, String token) {
    StringWriter out = new StringWriter();
    var commandLine = CrossgateCommand.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(new StringWriter(), true));
    commandLine.execute("status", "--server", server, "--token", token);
    return out.toString();
  }

  private static String eventually(java.util.function.Supplier<String> output, String... texts)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String last = "";
    while (System.nanoTime() < deadline) {
      last = output.get();
      boolean all = true;
      for (String text : texts) {
        all &= last.contains(text);
      }
      if (all) {
        return last;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("not within 30 s: " + String.join(", ", texts) + " in:\n" + last);
  }
}
