package dev.crossgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code crossgate status}: the current revision and which data planes run it. */
@Command(name = "status",
    mixinStandardHelpOptions = true,
    description = "Show the current policy revision and, per connected data plane, the revision "
        + "it applied, its last NACK and (a sidecar) its app's health.",
    footer = {"", "Examples:", "  crossgate status", "  crossgate status -o json"})
final class StatusCommand extends ApiCommand {

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
      defaultValue = "${env:CROSSGATE_OUTPUT:-table}",
      description = "table, yaml or json; default ${DEFAULT-VALUE} (env CROSSGATE_OUTPUT).")
  OutputFormat output;

  @Override
  int run(PolicyApiClient client, PrintWriter out, PrintWriter err) {
    JsonNode status = client.get("/status", PolicyApiClient.query());
    if (output != OutputFormat.table) {
      output.print(status, out);
      return ExitCodes.OK;
    }
    JsonNode revision = status.path("revision");
    String message = revision.path("message").asText("");
    out.printf("revision %d  %s  by %s  %s%s%n", revision.path("number").asLong(),
        HistoryCommand.time(revision.path("time").asText()), revision.path("author").asText("-"),
        HistoryCommand.counts(revision), message.isEmpty() ? "" : "  \"" + message + "\"");
    if (status.hasNonNull("summary")) {
      out.println(status.path("summary").asText());
    }
    JsonNode nodes = status.path("nodes");
    if (!nodes.isArray() || nodes.isEmpty()) {
      out.println("no data planes connected");
      return ExitCodes.OK;
    }
    TextTable table = TextTable.withHeader("NODE", "ROLE", "APPLIED", "CONNECTED SINCE",
        "APP HEALTH", "LAST NACK");
    nodes.forEach(n -> table.row(n.path("nodeId").asText(), n.path("role").asText(),
        n.path("appliedRevision").asText("-"),
        n.hasNonNull("connectedSince") ? HistoryCommand.time(n.path("connectedSince").asText())
            : "-",
        n.hasNonNull("appHealth") ? n.path("appHealth").asText() : "-",
        n.hasNonNull("lastNack") ? n.path("lastNack").asText() : "-"));
    table.print(out);
    return ExitCodes.OK;
  }
}
