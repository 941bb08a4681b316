package dev.crossgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code crossgate token create}, {@code crossgate sidecar}, {@code --wait-ready} and
 * {@code --shutdown} through the real command line against a real engine.
 */
class SidecarCommandTest {

  @TempDir
  static Path data;

  private static PolicyServer engine;
  /** The app is never called here: readiness needs a certificate and a snapshot only. */
  private static int appPort;

  @BeforeAll
  static void start() throws Exception {
    engine = PolicyServer.start(PolicyServerOptions.defaults(data).withApi("127.0.0.1", 0)
        .withDistributionPort(0));
    appPort = freePort();
  }

  @AfterAll
  static void stop() {
    engine.close();
  }

  @Test
  void aTokenFromTheCliStartsASidecarThatWaitReadyAndShutdownControl() throws Exception {
    String admin = Files.readString(data.resolve("tokens").resolve("admin.token")).strip();
    Run token = run("token", "create", "--server", "http://127.0.0.1:" + engine.apiPort(),
        "--token", admin, "--namespace", "shop", "--service-account", "reviews", "--ttl", "10m");
    assertThat(token.code).as(token.err).isZero();
    String joinToken = token.out.strip();
    assertThat(joinToken).matches("[A-Za-z0-9_-]{11}\\.[A-Za-z0-9_-]{43}");
    assertThat(token.err).contains("join token for shop/reviews");

    int adminPort = freePort();
    CompletableFuture<Run> sidecar = CompletableFuture.supplyAsync(() -> run("sidecar",
        "--service", "reviews", "--namespace", "shop", "--app-port", String.valueOf(appPort),
        "--control-plane", "127.0.0.1:" + engine.distributionPort(), "--join-token", joinToken,
        "--inbound-port", "0", "--outbound-port", "0", "--admin-port", String.valueOf(adminPort),
        "--state-dir", data.resolve("state").toString(), "--advertise-address", "127.0.0.1",
        "--drain-period", "100ms"));

    Run ready = run("sidecar", "--wait-ready", "--admin-port", String.valueOf(adminPort),
        "--timeout", "60s");
    assertThat(ready.code).as(ready.err).isZero();

    Run shutdown = run("sidecar", "--shutdown", "--admin-port", String.valueOf(adminPort));
    assertThat(shutdown.code).as(shutdown.err).isZero();
    Run stopped = sidecar.get(60, TimeUnit.SECONDS);
    assertThat(stopped.code).as(stopped.err).isZero();
    assertThat(stopped.err).contains("sidecar for shop/reviews");
    // It kept its snapshot and certificate where --state-dir said.
    assertThat(data.resolve("state/sidecar/shop.reviews/last-known-good.json")).exists();
    assertThat(data.resolve("state/sidecar/shop.reviews/certificate.json")).exists();
  }

  @Test
  void waitReadyGivesUpWithAReasonWhenNoSidecarAnswers() throws Exception {
    Run ready = run("sidecar", "--wait-ready", "--admin-port", String.valueOf(freePort()),
        "--timeout", "1s");
    assertThat(ready.code).isEqualTo(ExitCodes.START_FAILED);
    assertThat(ready.err).contains("is not ready after 1 s (not reachable)");
  }

  @Test
  void aBadJoinTokenFailsTheStartWithTheEnginesReason() {
    Run run = run("sidecar", "--service", "reviews", "--namespace", "shop", "--app-port",
        String.valueOf(appPort), "--control-plane", "127.0.0.1:" + engine.distributionPort(),
        "--join-token", "AAAAAAAAAAA." + "B".repeat(43), "--inbound-port", "0",
        "--outbound-port", "0", "--admin-port", "0", "--state-dir", data.resolve("bad").toString());
    assertThat(run.code).isEqualTo(ExitCodes.START_FAILED);
    assertThat(run.err).contains("UNAUTHENTICATED: join token AAAAAAAAAAA: unknown or wrong secret");
  }

  @Test
  void anUnknownTlsEngineIsAUsageError() {
    Run run = run("sidecar", "--service", "reviews", "--app-port", String.valueOf(appPort),
        "--join-token", "t", "--tls-engine", "boring");
    assertThat(run.code).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err).contains("--tls-engine: 'boring' (expected: openssl or jdk)");
  }

  @Test
  void aBlankAdvertiseAddressIsAUsageError() {
    Run run = run("sidecar", "--service", "reviews", "--app-port", String.valueOf(appPort),
        "--join-token", "t", "--advertise-address", " ");
    assertThat(run.code).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err).contains("advertiseAddress: '' (expected: an IP address or host name");
  }

  @Test
  void thePolicyEngineChecksItsMeshCaOptionsBeforeStarting() {
    Run run = run("policy-engine", "--data-dir", data.resolve("unused").toString(),
        "--certificate-ttl", "10s");
    assertThat(run.code).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err).contains("certificateTtl: PT10S (expected: between PT1M and PT2160H)");

    Run half = run("policy-engine", "--data-dir", data.resolve("unused").toString(),
        "--ca-certificate", "ca.pem");
    assertThat(half.code).isEqualTo(ExitCodes.USAGE);
    assertThat(half.err).contains("rootCertificate/rootKey: only a certificate given (expected: both or neither)");
  }

  @Test
  void thePolicyEngineChecksItsMeshEndpointGraceBeforeStarting() {
    Run tooLong = run("policy-engine", "--data-dir", data.resolve("unused").toString(),
        "--mesh-endpoint-grace", "2h");
    assertThat(tooLong.code).isEqualTo(ExitCodes.USAGE);
    assertThat(tooLong.err).contains("--mesh-endpoint-grace: PT2H (expected: between 0s and 1h)");

    Run notADuration = run("policy-engine", "--data-dir", data.resolve("unused").toString(),
        "--mesh-endpoint-grace", "soon");
    assertThat(notADuration.code).isEqualTo(ExitCodes.USAGE);
    assertThat(notADuration.err).contains("'soon' (expected: a number and a unit");
  }

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var commandLine = CrossgateCommand.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int code = commandLine.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
