package dev.crossgate.policy.model;

import java.util.List;

/**
 * A {@code TCPRoute}: bytes arriving on a TCP listener are forwarded to a backend (Gateway API
 * v1alpha2 shape).
 *
 * @param apiVersion the API version
 * @param metadata the metadata
 * @param spec the listeners and backends
 */
public record TcpRoute(
    @Doc("The API version.") String apiVersion,
    @Doc("The metadata.") ObjectMeta metadata,
    @Doc("The listeners and backends.") Spec spec)
    implements Resource {

  /** The kind name as written in YAML. */
  public static final String KIND = "TCPRoute";

  @Override
  public String kind() {
    return KIND;
  }

  /**
   * The route specification.
   *
   * @param parentRefs the gateways and their TCP listeners (sectionName) this route attaches to
   * @param rules the rules; the first one's backends receive the connections
   */
  public record Spec(
      @Doc("The gateways and their TCP listeners (sectionName) this route attaches to.")
          List<HttpRoute.ParentRef> parentRefs,
      @Doc("The rules; the first one's backends receive the connections.") List<Rule> rules) {
    public Spec {
      parentRefs = parentRefs == null ? List.of() : List.copyOf(parentRefs);
      rules = rules == null ? List.of() : List.copyOf(rules);
    }
  }

  /**
   * A rule: where connections go.
   *
   * @param name an optional rule name for logs and metrics
   * @param backendRefs weighted backends; each connection picks one
   */
  public record Rule(
      @Doc("An optional rule name for logs and metrics.") String name,
      @Doc("Weighted backends; each connection picks one.") List<HttpRoute.BackendRef> backendRefs) {
    public Rule {
      backendRefs = backendRefs == null ? List.of() : List.copyOf(backendRefs);
    }
  }
}
