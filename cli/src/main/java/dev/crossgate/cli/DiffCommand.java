package dev.crossgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code crossgate diff}: what differs between two revisions. */
@Command(name = "diff",
    mixinStandardHelpOptions = true,
    description = "Show what differs between two policy revisions, resource by resource.",
    footer = {"", "Examples:", "  crossgate diff --from 3            # revision 3 -> current",
        "  crossgate diff --from 3 --to 7 -o json"})
final class DiffCommand extends ApiCommand {

  @Option(names = "--from", required = true, paramLabel = "REV",
      defaultValue = "${env:CROSSGATE_DIFF_FROM}",
      description = "The older revision (env CROSSGATE_DIFF_FROM).")
  Long from;

  @Option(names = "--to", paramLabel = "REV", defaultValue = "${env:CROSSGATE_DIFF_TO}",
      description = "The newer revision; default: the current one (env CROSSGATE_DIFF_TO).")
  Long to;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
      defaultValue = "${env:CROSSGATE_OUTPUT:-table}",
      description = "table (a readable diff), yaml or json; default ${DEFAULT-VALUE} "
          + "(env CROSSGATE_OUTPUT).")
  OutputFormat output;

  @Override
  int run(PolicyApiClient client, PrintWriter out, PrintWriter err) {
    JsonNode diff = client.get("/diff", PolicyApiClient.query("from", String.valueOf(from),
        "to", to == null ? null : String.valueOf(to)));
    if (output != OutputFormat.table) {
      output.print(diff, out);
      return ExitCodes.OK;
    }
    JsonNode changes = diff.path("changes");
    out.printf("revision %d -> %d: %d change%s%n", diff.path("from").asLong(),
        diff.path("to").asLong(), changes.size(), changes.size() == 1 ? "" : "s");
    ChangeRenderer.detailed(changes, out);
    return ExitCodes.OK;
  }
}
