package dev.crossgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Finds resources for {@code get} and {@code delete}: kinds by alias, names across namespaces. */
final class ResourceLookup {

  private ResourceLookup() {}

  /** The kind a typed name stands for; an unknown one is a usage error listing every kind. */
  static String kind(CommandSpec spec, String typed) {
    return ResourceKindNames.resolve(typed).orElseThrow(() -> new CommandLine.ParameterException(
        spec.commandLine(), "unknown resource kind '" + typed + "' (expected one of, in any "
            + "case or plural: " + String.join(", ", ResourceKindNames.describe()) + ")"));
  }

  /** {@code /resources/{kind}/{namespace}/{name}}. */
  static String path(String kind, String namespace, String name) {
    return "/resources/" + PolicyApiClient.segment(kind) + "/"
        + PolicyApiClient.segment(namespace) + "/" + PolicyApiClient.segment(name);
  }

  /**
   * The namespace of the only {@code kind} named {@code name}: not found is exit 7; a name in
   * several namespaces is a usage error asking for {@code -n}.
   */
  static String namespaceOf(CommandSpec spec, PolicyApiClient client, String kind, String name) {
    List<String> namespaces = new ArrayList<>();
    for (JsonNode resource : client.get("/resources", PolicyApiClient.query("kind", kind))) {
      if (name.equals(resource.path("metadata").path("name").asText())) {
        namespaces.add(resource.path("metadata").path("namespace").asText("default"));
      }
    }
    if (namespaces.isEmpty()) {
      throw new ApiException(ExitCodes.NOT_FOUND,
          "not found: no " + kind + " named '" + name + "' in any namespace");
    }
    if (namespaces.size() > 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), kind + " '" + name
          + "' exists in namespaces " + String.join(", ", namespaces) + "; choose one with -n");
    }
    return namespaces.get(0);
  }
}
