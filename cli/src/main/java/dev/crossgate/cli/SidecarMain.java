package dev.crossgate.cli;

import java.time.Duration;
import picocli.CommandLine;

/**
 * The sidecar's own entry point, which the {@code ./crossgate} launcher runs for
 * {@code crossgate sidecar}: the same {@link SidecarCommand} as {@code crossgate sidecar}, without
 * building the model of every other subcommand (which loads the API client, Jackson databind,
 * the gateway and the policy engine's classes: about a third of the sidecar's start time and
 * metaspace). See docs/sidecar.md, "Footprint".
 */
public final class SidecarMain {

  private SidecarMain() {
  }

  /** Builds the command line of {@code crossgate sidecar} alone. */
  static CommandLine commandLine() {
    return new CommandLine(new SidecarCommand())
        .setCommandName("crossgate sidecar")
        .registerConverter(Duration.class, new DurationConverter())
        .setCaseInsensitiveEnumValuesAllowed(true);
  }

  /** Runs {@code crossgate sidecar} with {@code args} (the options after "sidecar"), and exits. */
  public static void main(String[] args) {
    SidecarLogging.configure();
    System.exit(commandLine().execute(args));
  }
}
