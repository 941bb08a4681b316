package dev.crossgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crossgate.policy.model.MeshMigration;
import dev.crossgate.policy.model.MeshMigration.Stage;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code crossgate migrate}: moves one service's {@code MeshMigration} a step (a stage or a mesh
 * weight), or back to its previous state, as one revision, and waits until every data plane runs
 * it. Reads and writes at one revision ({@code If-Match}), so a concurrent change is a conflict,
 * never overwritten.
 *
 * <p>The service is an optional positional parameter so that subcommands (such as
 * {@code migrate status}) can sit beside it: picocli takes an argument that names a subcommand as
 * the subcommand, and checks the parent's required parameters only when the parent runs.
 */
@Command(name = "migrate",
    mixinStandardHelpOptions = true,
    subcommands = MigrateStatusCommand.class,
    description = {"Move one service into the mesh a step at a time: set its MeshMigration "
        + "stage (off → observe → permissive → enforce → strict) or mesh weight, or roll back "
        + "its last change. One revision per command, confirmed applied by every data plane.",
        "Stages move one step at a time (forward or back) unless --force; the mesh weight is 0 "
            + "before permissive and 100 in strict."},
    footer = {"", "Examples:",
        "  crossgate migrate reviews -n shop --to observe",
        "  crossgate migrate reviews -n shop --to permissive --dry-run",
        "  crossgate migrate reviews -n shop --weight 25",
        "  crossgate migrate reviews -n shop --rollback",
        "  crossgate migrate status reviews -n shop",
        "", "--rollback restores the state before the last change to this service's "
            + "MeshMigration (deleting it if that change created it); run twice, it re-applies "
            + "the change it undid.",
        "", "Exit codes: 0 done (or nothing to change), 1 invalid (a weight the stage does not "
            + "allow), 2 bad usage (unknown stage, weight outside 0..100), 4 API unreachable, "
            + "5 bad token, 6 conflict (the policy changed meanwhile; run again), 7 unknown "
            + "service or nothing to roll back, 10 step refused (more than one stage; --force), "
            + "11 a data plane NACKed, 12 not confirmed within --timeout."})
final class MigrateCommand extends ApiCommand {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration HTTP_MARGIN = Duration.ofSeconds(10);
  private static final long MAX_WAIT_MILLIS = 999_999;

  @Parameters(index = "0", arity = "0..1", paramLabel = "SERVICE",
      description = "The Service to migrate.")
  String service;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE",
      defaultValue = "${env:CROSSGATE_NAMESPACE}",
      description = "The Service's namespace; default: the only namespace with a Service by "
          + "that name (env CROSSGATE_NAMESPACE).")
  String namespace;

  @Option(names = "--to", paramLabel = "STAGE",
      description = "The new stage: off, observe, permissive, enforce or strict.")
  Stage to;

  @Option(names = "--weight", paramLabel = "0-100",
      description = "The new mesh weight: the percentage of callers' traffic sent through the "
          + "mesh; above 0 only from permissive on, 100 in strict.")
  Integer weight;

  @Option(names = "--rollback",
      description = "Restore the state before the last change to this service's migration.")
  boolean rollback;

  @Option(names = "--dry-run", description = "Print what would change (before → after); "
      + "apply nothing.")
  boolean dryRun;

  @Option(names = "--force", description = "Allow a stage change of more than one step (and "
      + "--to strict below weight 100, raising it to 100).")
  boolean force;

  @Option(names = "--wait", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Wait until every connected data plane runs the new revision (up to "
          + "--timeout); default ${DEFAULT-VALUE}.")
  boolean waitForNodes;

  @Option(names = {"-m", "--message"}, paramLabel = "TEXT",
      description = "Why, appended to the revision message.")
  String reason;

  @Override
  int run(PolicyApiClient client, PrintWriter out, PrintWriter err) {
    checkUsage();
    String ns = namespace == null || namespace.isBlank()
        ? ResourceLookup.namespaceOf(spec, client, "Service", service) : namespace;
    String target = ns + "/" + service;
    String command = "crossgate migrate " + service + " -n " + ns;
    requireService(client, ns, service);
    PolicyApiClient.Reply migrations = client.read("/resources",
        PolicyApiClient.query("kind", MeshMigration.KIND));
    long base = migrations.revision();
    if (base < 0) {
      throw new ApiException(ExitCodes.API_ERROR, "the policy API at " + client.server()
          + " did not say which revision it read (no ETag); nothing was written");
    }
    MigrationState current = MigrationState.of(find(migrations.body(), ns, service));
    if (rollback) {
      return rollback(client, out, err, target, base, current);
    }
    MigrationPlan.Step step = MigrationPlan.plan(target, command, current, to, weight, force);
    if (step == null) {
      out.printf("%s is already %s; nothing to change (revision %d)%n", target,
          current.describe(), base);
      return ExitCodes.OK;
    }
    ObjectNode resource = withStep(current.resource(), ns, step);
    return put(client, out, err, target, base, resource, withReason(step.message()));
  }

  private void checkUsage() {
    if (service == null || service.isBlank()) {
      throw new ParameterException(spec.commandLine(),
          "Missing SERVICE (expected: crossgate migrate SERVICE --to STAGE | --weight N | "
              + "--rollback)");
    }
    if (rollback && (to != null || weight != null)) {
      throw new ParameterException(spec.commandLine(),
          "--rollback restores the previous state; it does not take --to or --weight");
    }
    if (!rollback && to == null && weight == null) {
      throw new ParameterException(spec.commandLine(),
          "Missing the step (expected: --to STAGE, --weight 0-100 or --rollback)");
    }
    if (weight != null && (weight < 0 || weight > 100)) {
      throw new ParameterException(spec.commandLine(), "--weight: " + weight
          + " (expected: 0..100, the percentage of callers' traffic sent through the mesh)");
    }
  }

  private static void requireService(PolicyApiClient client, String ns, String service) {
    try {
      client.get(ResourceLookup.path("Service", ns, service), PolicyApiClient.query());
    } catch (ApiException e) {
      if (e.exitCode() != ExitCodes.NOT_FOUND) {
        throw e;
      }
      List<String> known = names(client.get("/resources",
          PolicyApiClient.query("kind", "Service", "namespace", ns)));
      throw new ApiException(ExitCodes.NOT_FOUND, "unknown service " + ns + "/" + service
          + " (expected: a Service in namespace " + ns + "; known: "
          + (known.isEmpty() ? "none" : String.join(", ", known)) + ")");
    }
  }

  private int rollback(PolicyApiClient client, PrintWriter out, PrintWriter err, String target,
      long base, MigrationState current) {
    String ns = target.substring(0, target.indexOf('/'));
    MigrationHistory.Change change = MigrationHistory.lastChange(client, ns, service)
        .orElseThrow(() -> new ApiException(ExitCodes.NOT_FOUND, target + ": its MeshMigration "
            + "has not changed in the last " + MigrationHistory.MAX_REVISIONS
            + " revisions; nothing to roll back"));
    MigrationState previous = MigrationState.of(change.before());
    String message = withReason("migrate " + target + ": rollback " + current.describe() + " → "
        + previous.describe() + ", undoing revision " + change.revision());
    if (previous.exists()) {
      return put(client, out, err, target, base, (ObjectNode) previous.resource(), message);
    }
    JsonNode doomed = change.after() != null ? change.after() : current.resource();
    String path = ResourceLookup.path(MeshMigration.KIND,
        doomed.path("metadata").path("namespace").asText("default"),
        doomed.path("metadata").path("name").asText());
    if (dryRun) {
      out.printf("dry run: %s (against revision %d; nothing applied)%n", message, base);
      out.println("- " + MeshMigration.KIND + " "
          + doomed.path("metadata").path("namespace").asText("default") + "/"
          + doomed.path("metadata").path("name").asText() + " (removed)");
      ChangeRenderer.diff(ChangeRenderer.yamlLines(doomed), List.of())
          .forEach(line -> out.println("    " + line));
      return ExitCodes.OK;
    }
    long started = System.nanoTime();
    JsonNode result = conflictAware(target, base,
        () -> waiting(client).delete(path, writeQuery(message), OptionalLong.of(base)));
    return done(client, out, err, result, message, started);
  }

  private int put(PolicyApiClient client, PrintWriter out, PrintWriter err, String target,
      long base, ObjectNode resource, String message) {
    String body = resource.toString();
    if (dryRun) {
      JsonNode preview = conflictAware(target, base, () -> client.post("/apply",
          PolicyApiClient.query("dryRun", "true"), OptionalLong.of(base), body));
      out.printf("dry run: %s (against revision %d; nothing applied)%n", message, base);
      ChangeRenderer.detailed(preview.path("changes"), out);
      return ExitCodes.OK;
    }
    long started = System.nanoTime();
    JsonNode result = conflictAware(target, base, () -> waiting(client).post("/apply",
        writeQuery(message), OptionalLong.of(base), body));
    return done(client, out, err, result, message, started);
  }

  private int done(PolicyApiClient client, PrintWriter out, PrintWriter err, JsonNode result,
      String message, long started) {
    long elapsed = (System.nanoTime() - started) / 1_000_000;
    out.printf("revision %d: %s%n", result.path("revision").path("number").asLong(), message);
    return waitForNodes ? ConvergenceReport.report(result, elapsed, client, out, err)
        : ExitCodes.OK;
  }

  private Map<String, String> writeQuery(String message) {
    return PolicyApiClient.query("message", message,
        "wait", waitForNodes ? "true" : null,
        "timeout", waitForNodes ? Math.min(MAX_WAIT_MILLIS, api.timeout.toMillis()) + "ms" : null);
  }

  private PolicyApiClient waiting(PolicyApiClient client) {
    return waitForNodes ? client.withTimeout(api.timeout.plus(HTTP_MARGIN)) : client;
  }

  private static JsonNode conflictAware(String target, long base,
      java.util.function.Supplier<JsonNode> call) {
    try {
      return call.get();
    } catch (ApiException e) {
      if (e.exitCode() != ExitCodes.CONFLICT) {
        throw e;
      }
      String detail = e.problem() == null ? "" : e.problem().path("detail").asText("");
      throw new ApiException(ExitCodes.CONFLICT, target + ": the policy changed while this "
          + "command ran (it read revision " + base + (detail.isEmpty() ? "" : "; " + detail)
          + "); nothing was written. Run it again: it re-reads the migration and re-checks "
          + "the step.", e.problem());
    }
  }

  private String withReason(String message) {
    return reason == null || reason.isBlank() ? message : message + ": " + reason.strip();
  }

  /** The current resource with the new stage and weight, or a new one for the service. */
  private ObjectNode withStep(JsonNode current, String ns, MigrationPlan.Step step) {
    ObjectNode resource;
    if (current != null) {
      resource = current.deepCopy();
    } else {
      resource = JSON.createObjectNode();
      resource.put("apiVersion", "crossgate.dev/v1alpha1");
      resource.put("kind", MeshMigration.KIND);
      ObjectNode metadata = resource.putObject("metadata");
      metadata.put("name", service);
      metadata.put("namespace", ns);
      resource.putObject("spec").putObject("service").put("name", service);
    }
    ObjectNode specNode = resource.get("spec") instanceof ObjectNode existing ? existing
        : resource.putObject("spec");
    specNode.put("stage", step.stage().name());
    specNode.put("meshWeight", step.weight());
    return resource;
  }

  private static JsonNode find(JsonNode migrations, String ns, String service) {
    for (JsonNode migration : migrations) {
      if (MigrationHistory.migrates(migration, ns, service)) {
        return migration;
      }
    }
    return null;
  }

  private static List<String> names(JsonNode resources) {
    List<String> names = new java.util.ArrayList<>();
    resources.forEach(r -> names.add(r.path("metadata").path("name").asText()));
    return names;
  }
}
