package dev.crossgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints what {@code --wait} learned: {@code applied by 3/3 gateways, 4/4 sidecars in 42 ms}, or
 * which node refused the revision (exit {@value ExitCodes#NACKED}) or has not confirmed it in
 * time (exit {@value ExitCodes#NOT_CONVERGED}).
 */
final class ConvergenceReport {

  private ConvergenceReport() {}

  /**
   * Reports the {@code convergence} of an API answer; returns the exit code.
   *
   * @param answer the API's answer to a write with {@code wait=true}
   * @param elapsedMillis how long the write and the wait took, as the CLI saw it
   * @param client to ask which nodes are behind, after a timeout
   */
  static int report(JsonNode answer, long elapsedMillis, PolicyApiClient client, PrintWriter out,
      PrintWriter err) {
    JsonNode convergence = answer.path("convergence");
    if (convergence.isMissingNode()) {
      out.println("applied (the engine did not report convergence)");
      return ExitCodes.OK;
    }
    long revision = convergence.path("revision").asLong();
    String counts = counts(convergence.path("summary").asText(""), revision);
    JsonNode refused = convergence.path("refused");
    if (refused.isObject() && !refused.isEmpty()) {
      err.printf("revision %d %s in %d ms; refused (the refusing nodes keep their previous "
          + "revision):%n", revision, counts, elapsedMillis);
      refused.fields().forEachRemaining(entry ->
          err.printf("  node %s NACKed: %s%n", entry.getKey(), entry.getValue().asText()));
      return ExitCodes.NACKED;
    }
    if (!convergence.path("complete").asBoolean()) {
      err.printf("revision %d %s after %d ms: timed out waiting for %s (raise --timeout, or "
          + "check 'crossgate status')%n", revision, counts, elapsedMillis,
          String.join(", ", behind(client, revision)));
      return ExitCodes.NOT_CONVERGED;
    }
    out.printf("%s in %d ms%n", counts, elapsedMillis);
    return ExitCodes.OK;
  }

  /** {@code applied by 3/3 gateways, 4/4 sidecars}, without the revision and NACK details. */
  private static String counts(String summary, long revision) {
    String counts = summary.replaceFirst("^revision " + revision + " ", "");
    int nacks = counts.indexOf("; ");
    return nacks < 0 ? counts : counts.substring(0, nacks);
  }

  private static List<String> behind(PolicyApiClient client, long revision) {
    List<String> nodes = new ArrayList<>();
    try {
      for (JsonNode node : client.get("/status", PolicyApiClient.query()).path("nodes")) {
        if (node.path("appliedRevision").asLong() < revision) {
          nodes.add("node " + node.path("nodeId").asText() + " (" + node.path("role").asText()
              + ", runs revision " + node.path("appliedRevision").asText("-") + ")");
        }
      }
    } catch (ApiException e) {
      nodes.add("(could not list the nodes: " + e.getMessage() + ")");
    }
    return nodes.isEmpty() ? List.of("nodes that have since disconnected") : nodes;
  }
}
