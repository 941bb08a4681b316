package dev.crossgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.OptionalLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code crossgate rollback --to N}: a new revision whose state is that of revision N. Shows the
 * diff first; applies it with {@code If-Match} on the revision the diff was taken against, so what
 * was shown is what is applied.
 */
@Command(name = "rollback",
    mixinStandardHelpOptions = true,
    description = "Roll the whole policy back to the state of an earlier revision, as a new "
        + "revision. Prints the diff (current → revision N) first.",
    footer = {"", "Examples:",
        "  crossgate rollback --to 41 --dry-run   # show what would change",
        "  crossgate rollback --to 41 --wait",
        "", "To undo only one service's migration step, use 'crossgate migrate SERVICE "
            + "--rollback'.",
        "", "Exit codes: 0 rolled back (or nothing to do), 1 the old state no longer validates, "
            + "4 API unreachable, 5 bad token, 6 the policy changed meanwhile, 7 no such "
            + "revision, 11 a data plane NACKed, 12 not confirmed within --timeout."})
final class RollbackCommand extends ApiCommand {

  private static final Duration HTTP_MARGIN = Duration.ofSeconds(10);

  @Option(names = "--to", required = true, paramLabel = "REV",
      description = "The revision whose state to restore (see 'crossgate history').")
  long to;

  @Option(names = "--dry-run", description = "Print the diff; apply nothing.")
  boolean dryRun;

  @Option(names = "--wait", description = "Wait until every connected data plane runs the new "
      + "revision (up to --timeout).")
  boolean waitForNodes;

  @Override
  int run(PolicyApiClient client, PrintWriter out, PrintWriter err) {
    if (to < 0) {
      throw new ParameterException(spec.commandLine(), "--to: " + to + " (expected: >= 0)");
    }
    long current = client.get("/revisions", PolicyApiClient.query("limit", "1"))
        .path("revisions").path(0).path("number").asLong();
    if (to > current) {
      throw new ApiException(ExitCodes.NOT_FOUND, "not found: revision " + to
          + " (expected: 0.." + current + "; the current revision is " + current + ")");
    }
    client.get("/revisions/" + to, PolicyApiClient.query());
    JsonNode changes = client.get("/diff", PolicyApiClient.query(
        "from", String.valueOf(current), "to", String.valueOf(to))).path("changes");
    if (changes.isEmpty()) {
      out.printf("revision %d already has the state of revision %d; nothing to roll back%n",
          current, to);
      return ExitCodes.OK;
    }
    out.printf("%s: revision %d → state of revision %d: %d change%s%n",
        dryRun ? "dry run" : "rollback", current, to, changes.size(),
        changes.size() == 1 ? "" : "s");
    ChangeRenderer.detailed(changes, out);
    if (dryRun) {
      out.println("dry run: nothing applied");
      return ExitCodes.OK;
    }
    long started = System.nanoTime();
    PolicyApiClient caller = waitForNodes ? client.withTimeout(api.timeout.plus(HTTP_MARGIN))
        : client;
    JsonNode result = caller.post("/rollback", PolicyApiClient.query("to", String.valueOf(to),
            "wait", waitForNodes ? "true" : null,
            "timeout", waitForNodes ? Math.min(999_999, api.timeout.toMillis()) + "ms" : null),
        OptionalLong.of(current), null);
    long elapsed = (System.nanoTime() - started) / 1_000_000;
    JsonNode revision = result.path("revision");
    out.printf("revision %d: rolled back to the state of revision %d (%d created, %d updated, "
            + "%d deleted)%n", revision.path("number").asLong(), to,
        revision.path("created").asInt(), revision.path("updated").asInt(),
        revision.path("deleted").asInt());
    return waitForNodes ? ConvergenceReport.report(result, elapsed, client, out, err)
        : ExitCodes.OK;
  }
}
