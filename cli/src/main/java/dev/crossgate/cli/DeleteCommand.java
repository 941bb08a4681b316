package dev.crossgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code crossgate delete}: removes one resource, as a new revision. */
@Command(name = "delete",
    mixinStandardHelpOptions = true,
    description = "Delete one policy resource (a new revision). Refused while other resources "
        + "refer to it.",
    footer = {"", "Examples:",
        "  crossgate delete route users",
        "  crossgate delete svc users -n shop --if-match 42 -m 'retire users'",
        "", "Exit codes: 0 deleted, 1 still referenced, 6 --if-match is stale, 7 not found."})
final class DeleteCommand extends ApiCommand {

  @Parameters(index = "0", paramLabel = "KIND", description = "The kind or an alias.")
  String kind;

  @Parameters(index = "1", paramLabel = "NAME", description = "The resource's name.")
  String name;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE",
      defaultValue = "${env:CROSSGATE_NAMESPACE}",
      description = "Its namespace; default: the only namespace that has one by that name "
          + "(env CROSSGATE_NAMESPACE).")
  String namespace;

  @Option(names = "--if-match", paramLabel = "REV", defaultValue = "${env:CROSSGATE_IF_MATCH}",
      description = "Delete only if the current revision is REV (else exit 6); default: any "
          + "(env CROSSGATE_IF_MATCH).")
  Long ifMatch;

  @Option(names = {"-m", "--message"}, paramLabel = "TEXT",
      defaultValue = "${env:CROSSGATE_MESSAGE:-}",
      description = "Why, stored with the revision; default 'delete KIND NAMESPACE/NAME' "
          + "(env CROSSGATE_MESSAGE).")
  String message;

  @Override
  int run(PolicyApiClient client, PrintWriter out, PrintWriter err) {
    String resolved = ResourceLookup.kind(spec, kind);
    String ns = namespace == null || namespace.isBlank()
        ? ResourceLookup.namespaceOf(spec, client, resolved, name) : namespace;
    JsonNode result = client.delete(ResourceLookup.path(resolved, ns, name),
        PolicyApiClient.query("message", message == null || message.isBlank() ? null : message),
        optional(ifMatch));
    out.printf("revision %d: deleted %s %s/%s%n",
        result.path("revision").path("number").asLong(), resolved, ns, name);
    return ExitCodes.OK;
  }
}
