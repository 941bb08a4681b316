package dev.crossgate.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level {@code crossgate} command. */
@Command(name = "crossgate",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Crossgate: one routing core for the ingress gateway and the mesh sidecar.",
    subcommands = {UpCommand.class, GatewayCommand.class, PolicyEngineCommand.class,
        ValidateCommand.class, ApplyCommand.class, GetCommand.class, DeleteCommand.class,
        HistoryCommand.class, DiffCommand.class, StatusCommand.class, InjectCommand.class,
        CertsCommand.class,
        SidecarCommand.class, TokenCommand.class, CaCommand.class,
        MigrateCommand.class, RollbackCommand.class, CompletionCommand.class,
        CommandLine.HelpCommand.class},
    footer = {"", "Every option also reads an environment variable, shown in its description.",
        "Run 'crossgate <command> --help' for a command's options."})
public final class CrossgateCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Builds the command line with Crossgate's converters and error handling. */
  public static CommandLine commandLine() {
    return new CommandLine(new CrossgateCommand())
        .registerConverter(java.time.Duration.class, new DurationConverter())
        .setCaseInsensitiveEnumValuesAllowed(true);
  }

  /** Runs the command and exits with its code. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
