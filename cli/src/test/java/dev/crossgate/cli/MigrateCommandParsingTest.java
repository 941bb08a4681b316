package dev.crossgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * How picocli parses {@code crossgate migrate}: the positional service beside the {@code status}
 * subcommand ({@link MigrateStatusCommand}), and the options.
 */
class MigrateCommandParsingTest {

  private static CommandLine withStatus() {
    return CrossgateCommand.commandLine();
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
    assertThat(((MigrateStatusCommand) status.commandSpec().userObject()).service)
        .isEqualTo("reviews");

    CommandLine.ParseResult all = withStatus().parseArgs("migrate", "status");
    assertThat(all.subcommand().subcommand().commandSpec().userObject())
        .isInstanceOf(MigrateStatusCommand.class);
  }

  @Test
  void runningStatusRunsOnlyTheSubcommand() {
    StringWriter err = new StringWriter();
    CommandLine root = withStatus();
    root.setErr(new PrintWriter(err, true));
    // The migrate command's own checks (a service and a step, exit 2) do not get in the way:
    // status itself runs, and finds no API there.
    assertThat(root.execute("migrate", "status", "--server", "http://127.0.0.1:1",
        "--token", "t")).as(err.toString()).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(root.execute("migrate", "status", "reviews", "--server", "http://127.0.0.1:1",
        "--token", "t")).as(err.toString()).isEqualTo(ExitCodes.UNREACHABLE);
  }
}
