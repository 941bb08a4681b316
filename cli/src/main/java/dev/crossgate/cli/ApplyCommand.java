package dev.crossgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code crossgate apply}: sends policy files to the policy engine as one revision. */
@Command(name = "apply",
    mixinStandardHelpOptions = true,
    description = "Apply policy files, folders or stdin to the policy engine as one revision "
        + "(all or nothing).",
    footer = {"", "Examples:",
        "  crossgate apply -f config-examples/basic-routing.yaml -m 'first routes'",
        "  crossgate apply -f policies/ --dry-run",
        "  cat route.yaml | crossgate apply -f - --if-match 41",
        "  crossgate apply -f policies/ --wait --timeout 20s",
        "", "Exit codes: 0 applied (or valid dry run), 1 invalid (every problem is printed as "
            + "file:line: resource: path: message), 4 API unreachable, 5 bad token, "
            + "6 --if-match is stale, 11 (--wait) a data plane NACKed, 12 (--wait) not "
            + "confirmed within --timeout."})
final class ApplyCommand extends ApiCommand {

  @Option(names = {"-f", "--filename"}, required = true, split = ",", paramLabel = "FILE|DIR|-",
      defaultValue = "${env:CROSSGATE_APPLY_FILES}",
      description = "Policy files, folders (*.yaml, *.yml, *.json, recursively) or - for stdin; "
          + "comma-separated or repeated (env CROSSGATE_APPLY_FILES).")
  List<String> files;

  @Option(names = "--dry-run", defaultValue = "${env:CROSSGATE_DRY_RUN:-false}",
      description = "Validate and print the diff against the live policy; store nothing; "
          + "default ${DEFAULT-VALUE} (env CROSSGATE_DRY_RUN).")
  boolean dryRun;

  @Option(names = {"-m", "--message"}, paramLabel = "TEXT",
      defaultValue = "${env:CROSSGATE_MESSAGE:-}",
      description = "Why, stored with the revision; default none (env CROSSGATE_MESSAGE).")
  String message;

  @Option(names = "--if-match", paramLabel = "REV", defaultValue = "${env:CROSSGATE_IF_MATCH}",
      description = "Apply only if the current revision is REV (else exit 6); default: any "
          + "(env CROSSGATE_IF_MATCH).")
  Long ifMatch;

  @Option(names = "--wait", defaultValue = "${env:CROSSGATE_WAIT:-false}",
      description = "Wait until every connected data plane runs the new revision (up to "
          + "--timeout); default ${DEFAULT-VALUE} (env CROSSGATE_WAIT).")
  boolean waitForNodes;

  @Override
  int run(PolicyApiClient client, PrintWriter out, PrintWriter err) {
    ApplyBatch batch = ApplyBatch.read(files, System.in);
    if (!batch.problems().isEmpty()) {
      batch.problems().forEach(err::println);
      err.println("nothing was sent: fix the paths above first");
      return ExitCodes.INVALID_CONFIG;
    }
    JsonNode result;
    boolean waiting = waitForNodes && !dryRun;
    long started = System.nanoTime();
    try {
      result = (waiting ? client.withTimeout(api.timeout.plusSeconds(10)) : client).post(
          "/apply", PolicyApiClient.query(
              "message", message == null || message.isBlank() ? null : message,
              "dryRun", dryRun ? "true" : null,
              "wait", waiting ? "true" : null,
              "timeout", waiting ? Math.min(999_999, api.timeout.toMillis()) + "ms" : null),
          optional(ifMatch), batch.body());
    } catch (ApiException e) {
      JsonNode problems = e.problem() == null ? null : e.problem().path("problems");
      if (problems == null || !problems.isArray() || problems.isEmpty()) {
        throw e;
      }
      problems.forEach(problem -> err.println(batch.locate(problem)));
      err.printf("%d problem%s; nothing was %s%n", problems.size(),
          problems.size() == 1 ? "" : "s", dryRun ? "stored (dry run)" : "applied");
      return e.exitCode();
    }
    if (dryRun) {
      long base = result.path("baseRevision").asLong();
      JsonNode changes = result.path("changes");
      if (!result.path("changed").asBoolean()) {
        out.printf("dry run: valid; no changes against revision %d%n", base);
      } else {
        out.printf("dry run: valid; %d change%s against revision %d (nothing stored)%n",
            changes.size(), changes.size() == 1 ? "" : "s", base);
        ChangeRenderer.detailed(changes, out);
      }
      return ExitCodes.OK;
    }
    JsonNode revision = result.path("revision");
    if (!result.path("changed").asBoolean()) {
      out.printf("no changes; the current revision is still %d%n", revision.path("number").asLong());
      return ExitCodes.OK;
    }
    out.printf("revision %d applied: %d created, %d updated, %d deleted%n",
        revision.path("number").asLong(), revision.path("created").asInt(),
        revision.path("updated").asInt(), revision.path("deleted").asInt());
    ChangeRenderer.summary(result.path("changes"), out);
    return waiting ? ConvergenceReport.report(result, (System.nanoTime() - started) / 1_000_000,
        client, out, err) : ExitCodes.OK;
  }
}
