package dev.crossgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code crossgate migrate status [service]}: per migrated service, its stage and mesh weight and
 * the evidence for the next step (requests by caller over plaintext and mTLS, would-deny counts,
 * error rate and p99 before and after the last change) with a plain verdict. Reads
 * {@code GET /api/v1/migrations[/{namespace}/{service}]}.
 */
@Command(name = "status",
    mixinStandardHelpOptions = true,
    description = "Show each migrated service's stage and weight and the evidence for its next "
        + "step: requests by caller over plaintext vs mTLS, requests authorization would deny, "
        + "error rate and p99 latency before and after the last change, and whether advancing "
        + "looks safe (and why not).",
    footer = {"", "Examples:", "  crossgate migrate status", "  crossgate migrate status -n shop",
        "  crossgate migrate status reviews -n shop", "  crossgate migrate status reviews -o json"})
final class MigrateStatusCommand extends ApiCommand {

  @Parameters(index = "0", arity = "0..1", paramLabel = "SERVICE",
      description = "The migrated service; default: every migration (of --namespace, if given).")
  String service;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE",
      defaultValue = "${env:CROSSGATE_NAMESPACE}",
      description = "The service's namespace (default: default); without SERVICE, only this "
          + "namespace (default: every namespace). Env CROSSGATE_NAMESPACE.")
  String namespace;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
      defaultValue = "${env:CROSSGATE_OUTPUT:-table}",
      description = "table, yaml or json; default ${DEFAULT-VALUE} (env CROSSGATE_OUTPUT).")
  OutputFormat output;

  @Override
  int run(PolicyApiClient client, PrintWriter out, PrintWriter err) {
    String ns = namespace == null || namespace.isBlank() ? null : namespace;
    if (service != null) {
      String where = ns == null ? "default" : ns;
      JsonNode status = client.get("/migrations/" + PolicyApiClient.segment(where) + "/"
          + PolicyApiClient.segment(service), PolicyApiClient.query());
      if (output != OutputFormat.table) {
        output.print(status, out);
      } else {
        printOne(status, out);
      }
      return ExitCodes.OK;
    }
    JsonNode list = client.get("/migrations", PolicyApiClient.query("namespace", ns));
    if (output != OutputFormat.table) {
      output.print(list.path("migrations"), out);
      return ExitCodes.OK;
    }
    JsonNode migrations = list.path("migrations");
    if (!migrations.isArray() || migrations.isEmpty()) {
      out.println(ns == null ? "no MeshMigrations" : "no MeshMigrations in namespace " + ns);
      return ExitCodes.OK;
    }
    TextTable table = TextTable.withHeader("SERVICE", "STAGE", "WEIGHT", "PLAINTEXT", "MTLS",
        "WOULD DENY", "ERRORS", "P99", "NEXT", "SAFE");
    migrations.forEach(m -> {
      JsonNode after = m.path("after");
      JsonNode verdict = m.path("verdict");
      table.row(m.path("namespace").asText() + "/" + m.path("service").asText(),
          m.path("stage").asText(), m.path("meshWeight").asInt(),
          after.path("plaintext").asLong(), after.path("mtls").asLong(),
          after.path("wouldDeny").asLong(),
          percent(m.path("before")) + " → " + percent(after),
          text(m.path("before").path("p99")) + " → " + text(after.path("p99")),
          text(verdict.path("nextStage")), verdict.path("safeToAdvance").asBoolean() ? "yes" : "no");
    });
    table.print(out);
    migrations.forEach(m -> {
      JsonNode reasons = m.path("verdict").path("reasons");
      if (reasons.isArray() && !reasons.isEmpty()) {
        out.println();
        out.println(m.path("namespace").asText() + "/" + m.path("service").asText() + ":");
        reasons.forEach(r -> out.println("  - " + r.asText()));
      }
    });
    return ExitCodes.OK;
  }

  private static void printOne(JsonNode s, PrintWriter out) {
    out.printf("%s/%s  stage %s  weight %d  (MeshMigration %s)%n", s.path("namespace").asText(),
        s.path("service").asText(), s.path("stage").asText(), s.path("meshWeight").asInt(),
        s.path("migration").asText());
    JsonNode last = s.path("lastChange");
    out.println(last.isObject()
        ? "last change: revision " + last.path("revision").asLong() + " at "
            + HistoryCommand.time(last.path("time").asText()) + ", " + last.path("from").asText()
            + " → " + last.path("to").asText()
        : "last change: none seen since the engine started (evidence covers all reported traffic)");
    out.println("reporting nodes: " + s.path("reportingNodes").asInt());
    out.println();
    JsonNode callers = s.path("callers");
    if (callers.isArray() && !callers.isEmpty()) {
      TextTable table = TextTable.withHeader("CALLER", "TRANSPORT", "REQUESTS", "ERRORS",
          "WOULD DENY", "DENIED");
      callers.forEach(c -> table.row(c.path("caller").asText(), c.path("transport").asText(),
          c.path("requests").asLong(), c.path("errors").asLong(), c.path("wouldDeny").asLong(),
          c.path("denied").asLong()));
      table.print(out);
    } else {
      out.println("no requests since the last change");
    }
    out.println();
    JsonNode before = s.path("before");
    JsonNode after = s.path("after");
    TextTable windows = TextTable.withHeader("", "BEFORE", "AFTER");
    windows.row("requests", before.isObject() ? before.path("requests").asLong() : "-",
        after.path("requests").asLong());
    windows.row("plaintext / mtls", before.isObject() ? before.path("plaintext").asLong() + " / "
        + before.path("mtls").asLong() : "-",
        after.path("plaintext").asLong() + " / " + after.path("mtls").asLong());
    windows.row("would deny", before.isObject() ? before.path("wouldDeny").asLong() : "-",
        after.path("wouldDeny").asLong());
    windows.row("error rate", percent(before), percent(after));
    windows.row("p99", text(before.path("p99")), text(after.path("p99")));
    windows.print(out);
    out.println();
    JsonNode verdict = s.path("verdict");
    String next = verdict.path("nextStage").isTextual()
        ? "advancing to " + verdict.path("nextStage").asText() : "advancing";
    out.println(verdict.path("safeToAdvance").asBoolean() ? next + " looks safe"
        : next + " does not look safe:");
    verdict.path("reasons").forEach(r -> out.println("  - " + r.asText()));
    verdict.path("notes").forEach(n -> out.println("  note: " + n.asText()));
  }

  private static String percent(JsonNode window) {
    JsonNode rate = window.path("errorRate");
    return rate.isNumber() ? String.format(java.util.Locale.ROOT, "%.1f%%", rate.asDouble() * 100)
        : "-";
  }

  private static String text(JsonNode value) {
    return value.isTextual() ? value.asText() : "-";
  }
}
