package dev.crossgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The short SUMMARY column of {@code crossgate get}: what a resource does, in one line. */
final class ResourceSummary {

  private static final int MAX_WIDTH = 70;
  private static final int MAX_ITEMS = 3;

  private ResourceSummary() {}

  static String of(JsonNode resource) {
    JsonNode spec = resource.path("spec");
    String summary = switch (resource.path("kind").asText()) {
      case "Gateway" -> listeners(spec);
      case "HTTPRoute", "GRPCRoute", "TCPRoute" -> route(spec);
      case "Service" -> "endpoints " + list(collect(spec.path("endpoints"),
          e -> e.path("address").asText() + ":" + e.path("port").asText()));
      case "MeshMigration" -> "service " + spec.path("service").path("name").asText()
          + ": " + spec.path("stage").asText("off")
          + (spec.has("meshWeight") ? ", weight " + spec.path("meshWeight").asText() : "");
      case "AuthorizationPolicy" -> join(spec.path("action").asText("ALLOW"),
          targets(spec), count(spec.path("rules"), "rule"));
      case "RateLimitPolicy" -> join(targets(spec), count(spec.path("limits"), "limit"),
          spec.has("scope") ? "scope " + spec.path("scope").asText() : "");
      case "WafPolicy" -> join(spec.has("mode") ? "mode " + spec.path("mode").asText() : "",
          targets(spec));
      case "RequestAuthentication" -> join(targets(spec), "issuers "
          + list(collect(spec.path("jwtRules"), r -> r.path("issuer").asText())));
      case "Role" -> count(spec.path("rules"), "rule");
      case "RoleBinding" -> join("role " + spec.path("roleRef").path("name").asText(),
          count(spec.path("subjects"), "subject"));
      default -> targets(spec);
    };
    return summary.length() <= MAX_WIDTH ? summary : summary.substring(0, MAX_WIDTH - 1) + "…";
  }

  private static String listeners(JsonNode spec) {
    return "listeners " + list(collect(spec.path("listeners"), l -> l.path("name").asText()
        + ":" + l.path("port").asText() + "/" + l.path("protocol").asText("HTTP")));
  }

  private static String route(JsonNode spec) {
    List<String> hosts = collect(spec.path("hostnames"), JsonNode::asText);
    Set<String> backends = new LinkedHashSet<>();
    spec.path("rules").forEach(rule -> rule.path("backendRefs")
        .forEach(ref -> backends.add(ref.path("name").asText())));
    return (hosts.isEmpty() ? "*" : list(hosts)) + " -> "
        + (backends.isEmpty() ? "(no backends)" : list(new ArrayList<>(backends)));
  }

  private static String targets(JsonNode spec) {
    List<String> targets = collect(spec.path("targetRefs"),
        t -> t.path("kind").asText() + "/" + t.path("name").asText());
    return targets.isEmpty() ? "" : "on " + list(targets);
  }

  private static String count(JsonNode array, String noun) {
    int size = array.isArray() ? array.size() : 0;
    return size + " " + noun + (size == 1 ? "" : "s");
  }

  private static List<String> collect(JsonNode array,
      java.util.function.Function<JsonNode, String> render) {
    List<String> items = new ArrayList<>();
    if (array.isArray()) {
      array.forEach(item -> items.add(render.apply(item)));
    }
    return items;
  }

  private static String list(List<String> items) {
    if (items.size() <= MAX_ITEMS) {
      return String.join(",", items);
    }
    return String.join(",", items.subList(0, MAX_ITEMS)) + " +" + (items.size() - MAX_ITEMS);
  }

  private static String join(String... parts) {
    List<String> present = new ArrayList<>();
    for (String part : parts) {
      if (part != null && !part.isBlank()) {
        present.add(part);
      }
    }
    return String.join("; ", present);
  }
}
