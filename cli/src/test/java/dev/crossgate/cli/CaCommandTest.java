package dev.crossgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crossgate.policy.distribution.AppliedSnapshot;
import dev.crossgate.policy.distribution.DistributionClient;
import dev.crossgate.policy.distribution.DistributionClientSettings;
import dev.crossgate.policy.distribution.NodeIdentity;
import dev.crossgate.policy.distribution.v1.NodeRole;
import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import dev.crossgate.policy.server.ca.RootCa;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code crossgate ca status} and {@code crossgate ca rotate} against a real engine: a rotation
 * waited for to its end, an operator's root, a rotation held up by a node that never ACKs (a
 * second rotation is a conflict, {@code --wait} times out), and every input error.
 */
class CaCommandTest {

  @TempDir Path data;
  @TempDir Path files;
  PolicyServer server;
  String url;
  String token;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  @BeforeEach
  void start() throws Exception {
    server = PolicyServer.start(PolicyServerOptions.defaults(data).withApi("127.0.0.1", 0)
        .withDistributionPort(0));
    url = "http://127.0.0.1:" + server.apiPort();
    token = Files.readString(data.resolve("tokens").resolve("admin.token")).strip();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private int api(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--server", url, "--token", token));
    var commandLine = CrossgateCommand.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(all.toArray(String[]::new));
  }

  @Test
  void rotateWaitsUntilTheOldRootIsRetired() throws Exception {
    String oldRoot = server.meshAuthority().signingRootSha256();
    assertThat(api("ca", "status")).isZero();
    assertThat(out.toString()).contains("stable: one root, " + oldRoot + ", signs")
        .contains("SHA256").contains("signing").doesNotContain("PRIVATE");

    assertThat(api("ca", "rotate", "--wait", "--poll-interval", "50ms")).isZero();
    String newRoot = server.meshAuthority().signingRootSha256();
    assertThat(newRoot).isNotEqualTo(oldRoot);
    assertThat(out.toString()).contains("rotation started: root " + newRoot + " is trusted now")
        .contains("rotation done: " + newRoot + " signs; the old root is retired")
        .doesNotContain("PRIVATE");

    assertThat(api("ca", "status", "-o", "json")).isZero();
    JsonNode status = new ObjectMapper().readTree(out.toString());
    assertThat(status.path("phase").asText()).isEqualTo("stable");
    assertThat(status.path("roots").path(1).path("sha256").asText()).isEqualTo(oldRoot);
    assertThat(status.path("roots").path(1).path("state").asText()).isEqualTo("retired");
  }

  @Test
  void rotatesToAnOperatorsRootAndRefusesBadRootFilesPrecisely() throws Exception {
    RootCa root = RootCa.generate("crossgate.local", Instant.now());
    String pem = root.toPem();
    Path certificate = Files.writeString(files.resolve("root.pem"), root.certificatePem());
    Path key = Files.writeString(files.resolve("root.key"),
        pem.substring(pem.indexOf("-----BEGIN PRIVATE")));
    RootCa other = RootCa.generate("crossgate.local", Instant.now());
    Path otherKey = Files.writeString(files.resolve("other.key"),
        other.toPem().substring(other.toPem().indexOf("-----BEGIN PRIVATE")));

    assertThat(api("ca", "rotate", "--ca-certificate", certificate.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--ca-certificate given alone (expected: both "
        + "--ca-certificate and --ca-key, or neither)");

    assertThat(api("ca", "rotate", "--ca-certificate", files.resolve("nope.pem").toString(),
        "--ca-key", key.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("--ca-certificate " + files.resolve("nope.pem")
        + ": no such file (expected: a PEM file)");

    assertThat(api("ca", "rotate", "--ca-certificate", certificate.toString(),
        "--ca-key", otherKey.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("root key: does not match the root certificate's public key");
    assertThat(server.meshAuthority().roots().phase()).isEqualTo("stable");

    assertThat(api("ca", "rotate", "--ca-certificate", certificate.toString(),
        "--ca-key", key.toString(), "--wait", "--poll-interval", "50ms")).isZero();
    assertThat(server.meshAuthority().trustBundlePem()).isEqualTo(root.certificatePem());
    assertThat(out.toString() + err).doesNotContain("PRIVATE");
  }

  @Test
  void aRotationHeldUpByANodeIsAConflictForAnotherAndTimesOutAWait() throws Exception {
    Vertx vertx = Vertx.vertx();
    // A node that never finishes applying a snapshot: it never ACKs the new bundle.
    Promise<Void> never = Promise.promise();
    DistributionClient node = DistributionClient.start(vertx, new DistributionClientSettings(
            List.of(SocketAddress.inetSocketAddress(server.distributionPort(), "127.0.0.1")),
            Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofMillis(50),
            Duration.ofMillis(500)),
        new NodeIdentity("stuck-1", NodeRole.NODE_ROLE_SIDECAR, "", "reviews", "shop", "test"),
        () -> AppliedSnapshot.NONE, snapshot -> never.future(),
        new DistributionClient.ConnectionListener() { });
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (server.nodes().nodes().isEmpty()) {
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.sleep(20);
      }
      assertThat(api("ca", "rotate", "--wait", "--wait-timeout", "1s", "--poll-interval", "50ms"))
          .isEqualTo(12);
      assertThat(out.toString()).contains("propagating: the new root is in every snapshot")
          .contains("waiting for stuck-1");
      assertThat(err.toString()).contains("the rotation is still propagating after PT1S")
          .contains("follow it with 'crossgate ca status'");

      assertThat(api("ca", "rotate")).isEqualTo(6);
      assertThat(err.toString()).contains("conflict: a root rotation is already propagating")
          .contains("nothing was started");

      assertThat(api("ca", "status")).isZero();
      assertThat(out.toString()).contains("incoming").contains("signing")
          .contains("waiting for stuck-1");
    } finally {
      node.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void helpHasExamples() {
    for (String command : List.of("status", "rotate")) {
      assertThat(api("ca", command, "--help")).isZero();
      assertThat(out.toString()).contains("Usage: crossgate ca " + command).contains("Example")
          .contains("CROSSGATE_SERVER");
    }
  }
}
