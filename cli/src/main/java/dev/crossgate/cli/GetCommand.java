package dev.crossgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code crossgate get}: lists or shows the live policy resources. */
@Command(name = "get",
    mixinStandardHelpOptions = true,
    description = "List or show live policy resources: a table, YAML or JSON.",
    footer = {"", "Kinds, case-insensitive, singular or plural: Gateway (gateways, gw), "
        + "HTTPRoute (routes), GRPCRoute (grpcroutes), TCPRoute, Service (services, svc), "
        + "RequestAuthentication (jwt), Role, RoleBinding, AuthorizationPolicy (authz), "
        + "RateLimitPolicy (ratelimits), WafPolicy (wafs), MeshMigration (migrations).",
        "", "Examples:",
        "  crossgate get                       # everything",
        "  crossgate get routes -l team=web",
        "  crossgate get svc users -n shop -o yaml",
        "  crossgate get routes -o yaml > backup.yaml   # apply -f backup.yaml restores it"})
final class GetCommand extends ApiCommand {

  @Parameters(index = "0", arity = "0..1", paramLabel = "KIND",
      description = "The kind or an alias; default: every kind.")
  String kind;

  @Parameters(index = "1", arity = "0..1", paramLabel = "NAME",
      description = "One resource's name; default: all of them.")
  String name;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE",
      defaultValue = "${env:CROSSGATE_NAMESPACE}",
      description = "Only this namespace; default: every namespace (env CROSSGATE_NAMESPACE).")
  String namespace;

  @Option(names = {"-l", "--selector"}, paramLabel = "SELECTOR",
      defaultValue = "${env:CROSSGATE_SELECTOR}",
      description = "Only resources with these labels, e.g. team=web,tier=edge; default: any "
          + "(env CROSSGATE_SELECTOR).")
  String selector;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
      defaultValue = "${env:CROSSGATE_OUTPUT:-table}",
      description = "table, yaml or json; default ${DEFAULT-VALUE} (env CROSSGATE_OUTPUT).")
  OutputFormat output;

  @Override
  int run(PolicyApiClient client, PrintWriter out, PrintWriter err) {
    String resolved = kind == null ? null : ResourceLookup.kind(spec, kind);
    String ns = namespace == null || namespace.isBlank() ? null : namespace;
    JsonNode result;
    if (name != null) {
      String where = ns != null ? ns : ResourceLookup.namespaceOf(spec, client, resolved, name);
      result = client.get(ResourceLookup.path(resolved, where, name), PolicyApiClient.query());
    } else {
      result = client.get("/resources", PolicyApiClient.query("kind", resolved,
          "namespace", ns, "labelSelector", selector == null || selector.isBlank() ? null
              : selector));
    }
    if (output != OutputFormat.table) {
      output.print(result, out);
      return ExitCodes.OK;
    }
    ArrayNode rows = result.isArray() ? (ArrayNode) result
        : JsonNodeFactory.instance.arrayNode().add(result);
    if (rows.isEmpty()) {
      err.println("no resources found");
      return ExitCodes.OK;
    }
    TextTable table = TextTable.withHeader("KIND", "NAMESPACE", "NAME", "SUMMARY");
    rows.forEach(r -> table.row(r.path("kind").asText(),
        r.path("metadata").path("namespace").asText("default"),
        r.path("metadata").path("name").asText(), ResourceSummary.of(r)));
    table.print(out);
    return ExitCodes.OK;
  }
}
