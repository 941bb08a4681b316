package dev.crossgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossgate.routing.config.ListenerSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Parses {@code crossgate gateway} options; never starts a gateway. */
class GatewayCommandTest {

  private final StringWriter err = new StringWriter();
  private final StringWriter out = new StringWriter();

  private static GatewayCommand parse(String... args) {
    CommandLine.ParseResult result = CrossgateCommand.commandLine().parseArgs(args);
    return (GatewayCommand) result.subcommand().commandSpec().userObject();
  }

  private int execute(String... args) {
    CommandLine commandLine = CrossgateCommand.commandLine();
    commandLine.setErr(new PrintWriter(err, true));
    commandLine.setOut(new PrintWriter(out, true));
    return commandLine.execute(args);
  }

  @Test
  void readsEveryOption() {
    GatewayCommand command = parse("gateway", "-c", "a.yaml,conf.d", "--config", "b.yaml",
        "--gateway-name", "shop/edge", "--address", "0.0.0.0", "--port", "8080",
        "--listener-port", "web=8081", "--listener-port", "admin=8082",
        "--admin-address", "::1", "--admin-port", "0", "--reload-interval", "500ms",
        "--access-log", "off", "--event-loops", "2", "--upstream-connect-timeout", "2s",
        "--upstream-idle-timeout", "5m", "--client-idle-timeout", "90s",
        "--drain-timeout", "2500ms");

    assertThat(command.config).containsExactly(Path.of("a.yaml"), Path.of("conf.d"),
        Path.of("b.yaml"));
    assertThat(command.gatewayName).isEqualTo("shop/edge");
    assertThat(command.address).isEqualTo("0.0.0.0");
    assertThat(command.port).isEqualTo(8080);
    assertThat(command.listenerPorts).containsExactlyInAnyOrderEntriesOf(
        Map.of("web", 8081, "admin", 8082));
    assertThat(command.adminAddress).isEqualTo("::1");
    assertThat(command.adminPort).isZero();
    assertThat(command.reloadInterval).isEqualTo(Duration.ofMillis(500));
    assertThat(command.accessLog).isEqualTo("off");
    assertThat(command.eventLoops).isEqualTo(2);
    assertThat(command.connectTimeout).isEqualTo(Duration.ofSeconds(2));
    assertThat(command.idleTimeout).isEqualTo(Duration.ofMinutes(5));
    assertThat(command.listenerSettings().clientIdleTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(command.listenerSettings().drainTimeout()).isEqualTo(Duration.ofMillis(2500));
  }

  @Test
  void readsTheRequestLimits() {
    GatewayCommand command = parse("gateway", "-c", "a.yaml", "--max-header-count", "40",
        "--max-body-size", "1048576", "--max-connections-per-address", "0",
        "--header-read-timeout", "5s");

    var limits = command.listenerSettings().requestLimits();
    assertThat(limits.maxHeaderCount()).isEqualTo(40);
    assertThat(limits.maxBodySize()).isEqualTo(1_048_576L);
    assertThat(limits.maxConnectionsPerAddress()).isZero();
    assertThat(limits.headerReadTimeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void defaultRequestLimitsAreTheCoresDefaults() {
    GatewayCommand command = parse("gateway", "-c", "a.yaml");

    assertThat(command.listenerSettings().requestLimits())
        .isEqualTo(dev.crossgate.routing.hygiene.RequestLimits.defaults());
  }

  @Test
  void outOfRangeRequestLimitsAreUsageErrorsNamingTheOption() {
    assertThat(execute("gateway", "-c", "a.yaml", "--max-header-count", "0"))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--max-header-count: 0 (expected: > 0)");
    assertThat(execute("gateway", "-c", "a.yaml", "--max-connections-per-address", "-1"))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString())
        .contains("--max-connections-per-address: -1 (expected: >= 0; 0 means no limit)");
    assertThat(execute("gateway", "-c", "a.yaml", "--header-read-timeout", "0s"))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--header-read-timeout: PT0S (expected: > 0)");
  }

  @Test
  void clientIdleTimeoutZeroMeansNever() {
    GatewayCommand command = parse("gateway", "-c", "a.yaml", "--client-idle-timeout", "0s");

    assertThat(command.listenerSettings().clientIdleTimeout()).isZero();
  }

  @Test
  void defaultsWhenOnlyTheConfigIsGiven() {
    GatewayCommand command = parse("gateway", "--config", "a.yaml");

    assertThat(command.port).isNull();
    assertThat(command.listenerPorts).isEmpty();
    assertThat(command.address).isEqualTo("127.0.0.1");
    assertThat(command.adminPort).isEqualTo(9901);
    assertThat(command.reloadInterval).isEqualTo(Duration.ofSeconds(1));
    assertThat(command.accessLog).isEqualTo("-");
    assertThat(command.connectTimeout).isEqualTo(Duration.ofSeconds(5));
    assertThat(command.idleTimeout).isEqualTo(Duration.ofSeconds(60));
    assertThat(command.listenerSettings().clientIdleTimeout())
        .isEqualTo(ListenerSettings.DEFAULT_CLIENT_IDLE_TIMEOUT);
    assertThat(command.listenerSettings().drainTimeout())
        .isEqualTo(ListenerSettings.DEFAULT_DRAIN_TIMEOUT);
  }

  @Test
  void badDurationIsAParseErrorNamingTheOption() {
    assertThatThrownBy(() -> parse("gateway", "-c", "a.yaml", "--reload-interval", "soon"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--reload-interval")
        .hasMessageContaining("'soon' (expected: a number and a unit");
  }

  @Test
  void missingConfigIsAUsageError() {
    int code = execute("gateway");

    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("Missing required option: '--config=FILE'")
        .contains("Usage: crossgate gateway");
  }

  @Test
  void aJoinTokenNeedsAControlPlane() {
    int code = execute("gateway", "--config", "x.yaml", "--join-token", "abc.def");

    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--join-token: given without --control-plane "
        + "(expected: both; the policy engine is the mesh CA)");
    assertThat(parse("gateway", "--control-plane", "127.0.0.1:9081", "--join-token", "t.s")
        .joinToken).isEqualTo("t.s");
  }

  @Test
  void portOutOfRangeIsRejectedBeforeAnythingStarts() {
    int code = execute("gateway", "--config", "does-not-exist.yaml", "--port", "70000");

    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--port: 70000 (expected: 0..65535)");
  }

  @Test
  void adminAndListenerPortsOutOfRangeAreRejected() {
    assertThat(execute("gateway", "-c", "x.yaml", "--admin-port", "-1"))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(execute("gateway", "-c", "x.yaml", "--listener-port", "web=65536"))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--admin-port: -1 (expected: 0..65535)")
        .contains("--listener-port web: 65536 (expected: 0..65535)");
  }

  @Test
  void unknownOptionIsAUsageError() {
    assertThat(execute("gateway", "-c", "x.yaml", "--no-such-option"))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("Unknown option: '--no-such-option'");
  }

  @Test
  void helpPrintsUsageAndSucceeds() {
    assertThat(execute("gateway", "--help")).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).contains("Usage: crossgate gateway").contains("--config=FILE")
        .contains("--reload-interval=DURATION").contains("--client-idle-timeout=DURATION")
        .contains("--drain-timeout=DURATION");
  }
}
