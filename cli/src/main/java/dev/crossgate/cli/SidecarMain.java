package dev.crossgate.cli;

import dev.crossgate.sidecar.SidecarOptions;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine;

/**
 * The sidecar's own entry point, which the {@code ./crossgate} launcher runs for
 * {@code crossgate sidecar}: the same {@link SidecarCommand} as {@code crossgate sidecar}, without
 * building the model of every other subcommand (which loads the API client, Jackson databind,
 * the gateway and the policy engine's classes: about a third of the sidecar's start time and
 * metaspace). A plain command line is read by {@link SidecarArgs} without picocli; help,
 * {@code --shutdown}, {@code --wait-ready} and anything picocli must refuse go to picocli. See
 * docs/sidecar.md, "Footprint".
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
  public static void main(String[] args) throws InterruptedException {
    SidecarLogging.configure();
    Optional<SidecarCommand> plain = SidecarArgs.parse(args, System::getenv, System::getProperty);
    if (plain.isPresent()) {
      SidecarOptions options = null;
      try {
        options = plain.get().options();
      } catch (IllegalArgumentException e) {
        // picocli reads the command line again and refuses it with its usual message.
      }
      if (options != null) {
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err,
            Charset.defaultCharset()), true);
        System.exit(plain.get().run(options, err));
      }
    }
    System.exit(commandLine().execute(args));
  }
}
