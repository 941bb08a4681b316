package dev.crossgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code crossgate history}: the policy's revisions, newest first. */
@Command(name = "history",
    mixinStandardHelpOptions = true,
    description = "List policy revisions, newest first: number, time, author, changes, message.",
    footer = {"", "Examples:", "  crossgate history --limit 5", "  crossgate history -o json"})
final class HistoryCommand extends ApiCommand {

  @Option(names = "--limit", paramLabel = "N", defaultValue = "${env:CROSSGATE_HISTORY_LIMIT:-20}",
      description = "How many revisions, 1..1000; default ${DEFAULT-VALUE} "
          + "(env CROSSGATE_HISTORY_LIMIT).")
  int limit;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
      defaultValue = "${env:CROSSGATE_OUTPUT:-table}",
      description = "table, yaml or json; default ${DEFAULT-VALUE} (env CROSSGATE_OUTPUT).")
  OutputFormat output;

  @Override
  int run(PolicyApiClient client, PrintWriter out, PrintWriter err) {
    if (limit < 1 || limit > 1000) {
      throw new ParameterException(spec.commandLine(), "--limit: " + limit
          + " (expected: 1..1000)");
    }
    JsonNode revisions = client.get("/revisions",
        PolicyApiClient.query("limit", String.valueOf(limit))).path("revisions");
    if (output != OutputFormat.table) {
      output.print(revisions, out);
      return ExitCodes.OK;
    }
    TextTable table = TextTable.withHeader("REVISION", "TIME", "AUTHOR", "CHANGES", "MESSAGE");
    revisions.forEach(r -> table.row(r.path("number").asLong(), time(r.path("time").asText()),
        r.path("author").asText(""), counts(r), r.path("message").asText("")));
    table.print(out);
    return ExitCodes.OK;
  }

  /** {@code +created ~updated -deleted}. */
  static String counts(JsonNode revision) {
    return "+" + revision.path("created").asInt() + " ~" + revision.path("updated").asInt()
        + " -" + revision.path("deleted").asInt();
  }

  /** An ISO instant to the second; anything else as it is. */
  static String time(String iso) {
    try {
      return Instant.parse(iso).truncatedTo(ChronoUnit.SECONDS).toString();
    } catch (DateTimeParseException e) {
      return iso;
    }
  }
}
