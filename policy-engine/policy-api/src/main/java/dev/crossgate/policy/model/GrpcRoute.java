package dev.crossgate.policy.model;

import java.util.List;

/**
 * A {@code GRPCRoute}: which gRPC calls go where, with the Kubernetes Gateway API v1 fields.
 *
 * @param apiVersion the API version
 * @param metadata the metadata
 * @param spec the hostnames and rules
 */
public record GrpcRoute(
    @Doc("The API version.") String apiVersion,
    @Doc("The metadata.") ObjectMeta metadata,
    @Doc("The hostnames and rules.") Spec spec)
    implements Resource {

  /** The kind name as written in YAML. */
  public static final String KIND = "GRPCRoute";

  @Override
  public String kind() {
    return KIND;
  }

  /**
   * The route specification.
   *
   * @param parentRefs the gateways (and listeners) this route attaches to; every gateway when empty
   * @param hostnames exact or *.-wildcard hostnames; every host when empty
   * @param rules the rules
   */
  public record Spec(
      @Doc("The gateways (and listeners) this route attaches to; every gateway when empty.")
          List<HttpRoute.ParentRef> parentRefs,
      @Doc("Exact or *.-wildcard hostnames; every host when empty.") List<String> hostnames,
      @Doc("The rules.") List<Rule> rules) {
    public Spec {
      parentRefs = parentRefs == null ? List.of() : List.copyOf(parentRefs);
      hostnames = hostnames == null ? List.of() : List.copyOf(hostnames);
      rules = rules == null ? List.of() : List.copyOf(rules);
    }
  }

  /**
   * A rule: matches, filters and where matching calls go.
   *
   * @param name an optional rule name for logs and metrics
   * @param matches the matches; none matches every call
   * @param filters filters applied to matching calls: RequestHeaderModifier, ResponseHeaderModifier or RequestMirror
   * @param backendRefs weighted backends
   */
  public record Rule(
      @Doc("An optional rule name for logs and metrics.") String name,
      @Doc("The matches; none matches every call.") List<Match> matches,
      @Doc("Filters applied to matching calls: RequestHeaderModifier, ResponseHeaderModifier or RequestMirror.")
          List<HttpRoute.Filter> filters,
      @Doc("Weighted backends.") List<HttpRoute.BackendRef> backendRefs) {
    public Rule {
      matches = matches == null ? List.of() : List.copyOf(matches);
      filters = filters == null ? List.of() : List.copyOf(filters);
      backendRefs = backendRefs == null ? List.of() : List.copyOf(backendRefs);
    }
  }

  /**
   * One match: every condition present must hold.
   *
   * @param method the gRPC service and method; any when omitted
   * @param headers header (metadata) matches
   */
  public record Match(
      @Doc("The gRPC service and method; any when omitted.") MethodMatch method,
      @Doc("Header (metadata) matches.") List<HttpRoute.ValueMatch> headers) {
    public Match {
      headers = headers == null ? List.of() : List.copyOf(headers);
    }
  }

  /**
   * A gRPC method match; at least one of service and method.
   *
   * @param type how service and method are compared; default Exact
   * @param service the fully qualified service, e.g. shop.v1.Orders; any when omitted
   * @param method the method, e.g. GetOrder; any when omitted
   */
  public record MethodMatch(
      @Doc(value = "How service and method are compared.", defaultValue = "Exact",
              allowed = {"Exact", "RegularExpression"})
          String type,
      @Doc("The fully qualified service, e.g. shop.v1.Orders; any when omitted.") String service,
      @Doc("The method, e.g. GetOrder; any when omitted.") String method) {}
}
