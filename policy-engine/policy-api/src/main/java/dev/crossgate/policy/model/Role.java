package dev.crossgate.policy.model;

import java.util.List;

/**
 * A {@code Role}: a set of permissions (hosts, methods, paths), granted to subjects by a
 * {@link RoleBinding}.
 *
 * @param apiVersion the API version
 * @param metadata the metadata
 * @param spec the permissions
 */
public record Role(
    @Doc("The API version.") String apiVersion,
    @Doc("The metadata.") ObjectMeta metadata,
    @Doc("The permissions.") Spec spec)
    implements Resource {

  /** The kind name as written in YAML. */
  public static final String KIND = "Role";

  @Override
  public String kind() {
    return KIND;
  }

  /**
   * The specification.
   *
   * @param rules the permissions; a request is permitted when any rule matches
   */
  public record Spec(@Doc("The permissions; a request is permitted when any rule matches.") List<Rule> rules) {
    public Spec {
      rules = rules == null ? List.of() : List.copyOf(rules);
    }
  }

  /**
   * One permission: every non-empty list must match.
   *
   * @param hosts hosts: exact, *.-wildcard, or * for any; any when empty
   * @param methods HTTP methods; any when empty
   * @param paths paths: exact (/x), prefix (/x/*), suffix (*.json) or * for any; any when empty
   */
  public record Rule(
      @Doc("Hosts: exact, *.-wildcard, or * for any; any when empty.") List<String> hosts,
      @Doc(
              value = "HTTP methods; any when empty.",
              allowed = {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE",
                  "PATCH"})
          List<String> methods,
      @Doc("Paths: exact (/x), prefix (/x/*), suffix (*.json) or * for any; any when empty.")
          List<String> paths) {
    public Rule {
      hosts = hosts == null ? List.of() : List.copyOf(hosts);
      methods = methods == null ? List.of() : List.copyOf(methods);
      paths = paths == null ? List.of() : List.copyOf(paths);
    }
  }
}
