package dev.crossgate.cli;

import dev.crossgate.policy.model.ResourceKinds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * The names a user may type for a resource kind: the kind itself in any case, its plural, and a
 * few short aliases ({@code routes}, {@code svc}, {@code gw}, {@code authz}, {@code jwt}, …).
 */
final class ResourceKindNames {

  /** Alias → kind, per kind in the order of the policy reference. */
  private static final Map<String, String> ALIASES = new LinkedHashMap<>();
  private static final Map<String, List<String>> SHORT = new LinkedHashMap<>();

  static {
    shortNames("Gateway", "gateways", "gw");
    shortNames("HTTPRoute", "routes", "route");
    shortNames("GRPCRoute", "grpcroutes");
    shortNames("TCPRoute", "tcproutes");
    shortNames("Service", "services", "svc");
    shortNames("RequestAuthentication", "requestauthentications", "jwt");
    shortNames("Role", "roles");
    shortNames("RoleBinding", "rolebindings");
    shortNames("AuthorizationPolicy", "authz");
    shortNames("RateLimitPolicy", "ratelimits", "ratelimit");
    shortNames("WafPolicy", "wafs", "waf");
    shortNames("MeshMigration", "migrations", "migration");
    for (String kind : ResourceKinds.ALL.keySet()) {
      String lower = kind.toLowerCase(Locale.ROOT);
      ALIASES.putIfAbsent(lower, kind);
      ALIASES.putIfAbsent(lower.endsWith("y") ? lower.substring(0, lower.length() - 1) + "ies"
          : lower + "s", kind);
      SHORT.getOrDefault(kind, List.of()).forEach(alias -> ALIASES.putIfAbsent(alias, kind));
    }
  }

  private ResourceKindNames() {}

  private static void shortNames(String kind, String... names) {
    SHORT.put(kind, List.of(names));
  }

  /** The kind a name stands for, if any. */
  static Optional<String> resolve(String name) {
    return Optional.ofNullable(ALIASES.get(name.toLowerCase(Locale.ROOT)));
  }

  /** Every kind with its short names, e.g. {@code HTTPRoute (routes, route)}, one per line. */
  static List<String> describe() {
    List<String> lines = new ArrayList<>();
    for (String kind : ResourceKinds.ALL.keySet()) {
      StringJoiner names = new StringJoiner(", ", " (", ")").setEmptyValue("");
      SHORT.getOrDefault(kind, List.of()).forEach(names::add);
      lines.add(kind + names);
    }
    return lines;
  }
}
