package dev.crossgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code crossgate token}: mesh join tokens. */
@Command(name = "token",
    mixinStandardHelpOptions = true,
    description = "Mesh join tokens: what a sidecar presents to get its certificate.",
    subcommands = {TokenCommand.Create.class, CommandLine.HelpCommand.class},
    footer = {"", "Examples:",
        "  crossgate token create --namespace shop --service-account reviews",
        "  crossgate token create --help"})
final class TokenCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code crossgate token create}: prints a new join token, and only the token, on stdout. */
  @Command(name = "create",
      mixinStandardHelpOptions = true,
      description = "Create a join token bound to a namespace and service account. The token is "
          + "printed once on stdout (details on stderr); the engine keeps only its hash.",
      footer = {"", "Examples:",
          "  TOKEN=$(crossgate token create --namespace shop --service-account reviews)",
          "  crossgate token create --namespace shop --service-account reviews --ttl 1h"})
  static final class Create extends ApiCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--namespace", required = true, paramLabel = "NAMESPACE",
        description = "The workload's namespace.")
    String namespace;

    @Option(names = "--service-account", required = true, paramLabel = "NAME",
        description = "The workload's service account (for a Crossgate sidecar: its service name).")
    String serviceAccount;

    @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "24h",
        description = "How long the token may be used, 1s..365d; default ${DEFAULT-VALUE}.")
    Duration ttl;

    @Override
    int run(PolicyApiClient client, PrintWriter out, PrintWriter err) {
      String body = JSON.createObjectNode()
          .put("namespace", namespace)
          .put("serviceAccount", serviceAccount)
          .put("ttlSeconds", ttl.toSeconds())
          .toString();
      JsonNode created = client.post("/join-tokens", Map.of(), OptionalLong.empty(), body);
      out.println(created.path("token").asText());
      err.println("crossgate: join token for " + created.path("namespace").asText() + "/"
          + created.path("serviceAccount").asText() + ", expires "
          + created.path("expiresAt").asText() + " (shown once; keep it secret)");
      return ExitCodes.OK;
    }
  }
}
