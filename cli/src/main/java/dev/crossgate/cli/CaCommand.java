package dev.crossgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code crossgate ca}: the mesh CA's roots and their rotation. */
@Command(name = "ca",
    mixinStandardHelpOptions = true,
    description = "The mesh certificate authority: its roots, and rotating them with no failed "
        + "request.",
    subcommands = {CaCommand.Status.class, CaCommand.Rotate.class, CommandLine.HelpCommand.class},
    footer = {"", "Examples:", "  crossgate ca status", "  crossgate ca rotate --wait"})
final class CaCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code crossgate ca status}: the roots, their states and the nodes a rotation waits for. */
  @Command(name = "status",
      mixinStandardHelpOptions = true,
      description = "Show the mesh CA's roots (SHA-256 fingerprints and states: incoming, "
          + "signing, outgoing, retired), the rotation phase and the nodes it waits for. "
          + "Never shows a key.",
      footer = {"", "Examples:", "  crossgate ca status", "  crossgate ca status -o json"})
  static final class Status extends ApiCommand {

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
        defaultValue = "${env:CROSSGATE_OUTPUT:-table}",
        description = "table, yaml or json; default ${DEFAULT-VALUE} (env CROSSGATE_OUTPUT).")
    OutputFormat output;

    @Override
    int run(PolicyApiClient client, PrintWriter out, PrintWriter err) {
      JsonNode status = client.get("/ca", PolicyApiClient.query());
      if (output != OutputFormat.table) {
        output.print(status, out);
        return ExitCodes.OK;
      }
      print(status, out);
      return ExitCodes.OK;
    }
  }

  /** {@code crossgate ca rotate}: starts a root rotation, and with {@code --wait} sees it end. */
  @Command(name = "rotate",
      mixinStandardHelpOptions = true,
      description = "Rotate the mesh root: the new root is trusted by every node first, then signs "
          + "(nodes renew their certificates at once, with jitter), and the old root is retired "
          + "once every connected node's certificate chains to the new one, or once the longest "
          + "certificate it signed has expired. Without --ca-certificate/--ca-key the engine "
          + "generates the new root.",
      footer = {"", "Examples:", "  crossgate ca rotate --wait",
          "  crossgate ca rotate --ca-certificate new-root.pem --ca-key new-root.key",
          "", "Exit codes: 0 done (or started, without --wait), 1 bad root files, 6 a rotation "
          + "is already under way, 12 --wait-timeout passed (the rotation goes on)."})
  static final class Rotate extends ApiCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--ca-certificate", paramLabel = "FILE",
        description = "An operator's root certificate (PEM) to rotate to; needs --ca-key.")
    Path certificate;

    @Option(names = "--ca-key", paramLabel = "FILE",
        description = "The unencrypted private key (PEM) of --ca-certificate. Sent to the engine "
            + "once, over the API; protect the connection (TLS) in production.")
    Path key;

    @Option(names = "--wait",
        description = "Wait until the old root is retired, printing each step.")
    boolean await;

    @Option(names = "--wait-timeout", paramLabel = "DURATION", defaultValue = "10m",
        description = "How long --wait waits; default ${DEFAULT-VALUE}.")
    Duration waitTimeout;

    @Option(names = "--poll-interval", paramLabel = "DURATION", defaultValue = "1s",
        hidden = true, description = "How often --wait asks the engine.")
    Duration pollInterval;

    @Override
    int run(PolicyApiClient client, PrintWriter out, PrintWriter err) {
      if ((certificate == null) != (key == null)) {
        throw new CommandLine.ParameterException(spec.commandLine(), (certificate == null
            ? "--ca-key" : "--ca-certificate") + " given alone (expected: both --ca-certificate "
            + "and --ca-key, or neither)");
      }
      String body = "{}";
      if (certificate != null) {
        body = JSON.createObjectNode().put("certificatePem", read(certificate, "--ca-certificate"))
            .put("keyPem", read(key, "--ca-key")).toString();
      }
      JsonNode started;
      try {
        started = client.post("/ca/rotate", Map.of(), OptionalLong.empty(), body);
      } catch (ApiException e) {
        if (e.exitCode() == ExitCodes.CONFLICT) {
          String detail = e.problem() == null ? e.getMessage()
              : e.problem().path("detail").asText(e.getMessage());
          throw new ApiException(ExitCodes.CONFLICT, "conflict: " + detail
              + "; nothing was started", e.problem());
        }
        throw e;
      }
      String newRoot = started.path("roots").path(0).path("sha256").asText();
      out.println("rotation started: root " + newRoot + " is trusted now; "
          + started.path("signingRootSha256").asText() + " signs until every node trusts it");
      if (!await) {
        return ExitCodes.OK;
      }
      return waitForRetirement(client, newRoot, out, err);
    }

    private int waitForRetirement(PolicyApiClient client, String newRoot, PrintWriter out,
        PrintWriter err) {
      long deadline = System.nanoTime() + waitTimeout.toNanos();
      String shown = "";
      while (true) {
        JsonNode status = client.get("/ca", PolicyApiClient.query());
        String phase = status.path("phase").asText();
        String step = phase + " " + status.path("waitingFor");
        if (!step.equals(shown)) {
          shown = step;
          out.println(describe(status));
          out.flush();
        }
        if (phase.equals("stable")) {
          if (!status.path("signingRootSha256").asText().equals(newRoot)) {
            throw new ApiException(ExitCodes.API_ERROR, "the rotation ended with root "
                + status.path("signingRootSha256").asText() + " signing, not " + newRoot
                + " (another rotation replaced it?)");
          }
          out.println("rotation done: " + newRoot + " signs; the old root is retired");
          return ExitCodes.OK;
        }
        if (System.nanoTime() > deadline) {
          err.println("crossgate: the rotation is still " + phase + " after " + waitTimeout
              + " (" + describe(status) + "); it goes on in the engine: follow it with "
              + "'crossgate ca status'");
          return ExitCodes.NOT_CONVERGED;
        }
        try {
          Thread.sleep(Math.max(10, pollInterval.toMillis()));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ApiException(ExitCodes.UNREACHABLE, "interrupted while waiting");
        }
      }
    }

    private static String read(Path file, String option) {
      try {
        return Files.readString(file, StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        throw new ApiException(ExitCodes.INVALID_CONFIG, option + " " + file
            + ": no such file (expected: a PEM file)");
      } catch (IOException e) {
        throw new ApiException(ExitCodes.INVALID_CONFIG, option + " " + file + ": cannot read ("
            + e.getMessage() + ")");
      }
    }
  }

  /** One line on where a rotation stands. */
  static String describe(JsonNode status) {
    List<String> waiting = new ArrayList<>();
    status.path("waitingFor").forEach(node -> waiting.add(node.asText()));
    String nodes = waiting.isEmpty() ? "" : ": waiting for " + String.join(", ", waiting);
    return switch (status.path("phase").asText()) {
      case "propagating" -> "propagating: the new root is in every snapshot; it signs once "
          + "every connected node trusts it" + nodes;
      case "reissuing" -> "reissuing: the new root signs; nodes renew their certificates" + nodes
          + (status.hasNonNull("retireBy") ? " (the old root retires by "
              + status.path("retireBy").asText() + " at the latest)" : "");
      default -> "stable: one root, " + status.path("signingRootSha256").asText() + ", signs";
    };
  }

  static void print(JsonNode status, PrintWriter out) {
    out.println("trust domain " + status.path("trustDomain").asText() + ", certificates last "
        + Duration.ofSeconds(status.path("certificateTtlSeconds").asLong()).toString()
            .substring(2).toLowerCase(java.util.Locale.ROOT));
    out.println(describe(status));
    TextTable table = TextTable.withHeader("SHA256", "STATE", "SINCE", "EXPIRES", "SUBJECT");
    status.path("roots").forEach(root -> table.row(root.path("sha256").asText(),
        root.path("state").asText(), HistoryCommand.time(root.path("since").asText()),
        HistoryCommand.time(root.path("notAfter").asText()), root.path("subject").asText()));
    table.print(out);
  }
}
