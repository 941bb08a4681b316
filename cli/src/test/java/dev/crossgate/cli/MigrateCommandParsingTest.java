package dev.crossgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * How picocli parses {@code crossgate migrate}: the positional service beside subcommands (the
 * lead wires {@code MigrateStatusCommand} in as {@code migrate status}), and the options.
 */
class MigrateCommandParsingTest {

  /** Stands in for {@code MigrateStatusCommand}: a subcommand with an optional service. */
  @Command(name = "status")
  static final class StatusStandIn implements Callable<Integer> {
    @Parameters(arity = "0..1")
    String service;

    @Override
    public Integer call() {
      return 42;
    }
  }

  private static CommandLine withStatus() {
    CommandLine root = CrossgateCommand.commandLine();
    root.getSubcommands().get("migrate").addSubcommand(new StatusStandIn());
    return root;
  }

  @Test
  void aServiceAndItsStepParseAsMigrate() {
    CommandLine.ParseResult result = withStatus().parseArgs("migrate", "reviews", "-n", "shop",
        "--to", "PERMISSIVE", "--dry-run", "--no-wait", "--force", "-m", "ticket 12");

    CommandLine.ParseResult migrate = result.subcommand();
    assertThat(migrate.subcommand()).isNull();
    MigrateCommand command = (MigrateCommand) migrate.commandSpec().userObject();
    assertThat(command.service).isEqualTo("reviews");
    assertThat(command.namespace).isEqualTo("shop");
    assertThat(command.to).isEqualTo(dev.crossgate.policy.model.MeshMigration.Stage.permissive);
    assertThat(command.dryRun).isTrue();
    assertThat(command.force).isTrue();
    assertThat(command.waitForNodes).isFalse();
    assertThat(command.reason).isEqualTo("ticket 12");
  }

  @Test
  void waitIsTheDefault() {
    CommandLine.ParseResult result = withStatus().parseArgs("migrate", "reviews", "--weight",
        "25");
    MigrateCommand command = (MigrateCommand) result.subcommand().commandSpec().userObject();
    assertThat(command.waitForNodes).isTrue();
    assertThat(command.weight).isEqualTo(25);
  }

  @Test
  void statusIsTheSubcommandWithOrWithoutAService() {
    CommandLine.ParseResult withService = withStatus().parseArgs("migrate", "status", "reviews");
    CommandLine.ParseResult status = withService.subcommand().subcommand();
    assertThat(status).isNotNull();
    assertThat(((StatusStandIn) status.commandSpec().userObject()).service).isEqualTo("reviews");

    CommandLine.ParseResult all = withStatus().parseArgs("migrate", "status");
    assertThat(all.subcommand().subcommand().commandSpec().userObject())
        .isInstanceOf(StatusStandIn.class);
  }

  @Test
  void runningStatusRunsOnlyTheSubcommand() {
    StringWriter err = new StringWriter();
    CommandLine root = withStatus();
    root.setErr(new PrintWriter(err, true));
    // The migrate command's own checks (a service and a step) do not get in the way.
    assertThat(root.execute("migrate", "status")).as(err.toString()).isEqualTo(42);
    assertThat(root.execute("migrate", "status", "reviews")).isEqualTo(42);
  }
}
