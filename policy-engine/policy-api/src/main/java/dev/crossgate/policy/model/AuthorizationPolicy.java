package dev.crossgate.policy.model;

import java.util.List;

/**
 * An {@code AuthorizationPolicy}: attribute-based allow, deny or audit rules (Istio shape), plus
 * an optional CEL {@code condition}.
 *
 * @param apiVersion the API version
 * @param metadata the metadata
 * @param spec the targets, action, rules and condition
 */
public record AuthorizationPolicy(
    @Doc("The API version.") String apiVersion,
    @Doc("The metadata.") ObjectMeta metadata,
    @Doc("The targets, action, rules and condition.") Spec spec)
    implements Resource {

  /** The kind name as written in YAML. */
  public static final String KIND = "AuthorizationPolicy";

  @Override
  public String kind() {
    return KIND;
  }

  /**
   * The specification.
   *
   * @param targetRefs what the policy applies to: Gateway, HTTPRoute, GRPCRoute or Service
   * @param action what a match does. DENY is evaluated before ALLOW; AUDIT only records; default ALLOW
   * @param rules the rules; the policy matches when any rule matches. No rules: never matches
   * @param condition A CEL expression of type bool over request, source, jwt and now; when set, it must also hold for the policy to match
   * @param dryRun record the decision without enforcing it; default false
   * @param defaultDeny the targets' default-deny switch: a request that no ALLOW policy or
   *     RoleBinding allows is denied even when no ALLOW policy targets it; default false
   */
  public record Spec(
      @Doc("What the policy applies to: Gateway, HTTPRoute, GRPCRoute or Service.")
          List<TargetRef> targetRefs,
      @Doc(value = "What a match does. DENY is evaluated before ALLOW; AUDIT only records.",
              defaultValue = "ALLOW", allowed = {"ALLOW", "DENY", "AUDIT"})
          String action,
      @Doc("The rules; the policy matches when any rule matches. No rules: never matches.")
          List<Rule> rules,
      @Doc("A CEL expression of type bool over request, source, jwt and now; when set, it must also hold for the policy to match.")
          String condition,
      @Doc(value = "Record the decision without enforcing it.", defaultValue = "false")
          Boolean dryRun,
      @Doc(value = "The targets' default-deny switch: a request that no ALLOW policy or"
              + " RoleBinding allows is denied even when no ALLOW policy targets it.",
              defaultValue = "false")
          Boolean defaultDeny) {
    public Spec {
      targetRefs = targetRefs == null ? List.of() : List.copyOf(targetRefs);
      rules = rules == null ? List.of() : List.copyOf(rules);
    }
  }

  /**
   * A rule: every non-empty part must match.
   *
   * @param from sources; any of them matches
   * @param to operations; any of them matches
   * @param when further conditions; all must match
   */
  public record Rule(
      @Doc("Sources; any of them matches.") List<From> from,
      @Doc("Operations; any of them matches.") List<To> to,
      @Doc("Further conditions; all must match.") List<Condition> when) {
    public Rule {
      from = from == null ? List.of() : List.copyOf(from);
      to = to == null ? List.of() : List.copyOf(to);
      when = when == null ? List.of() : List.copyOf(when);
    }
  }

  /**
   * A source wrapper, as in Istio.
   *
   * @param source the source
   */
  public record From(@Doc("The source.") Source source) {}

  /**
   * Who sends the request; every non-empty field must match.
   *
   * @param principals mesh principals (SPIFFE ids)
   * @param notPrincipals mesh principals that must not match
   * @param requestPrincipals JWT principals, iss/sub
   * @param notRequestPrincipals JWT principals that must not match
   * @param namespaces source namespaces (from the mesh identity)
   * @param notNamespaces source namespaces that must not match
   * @param ipBlocks client addresses as IPv4/IPv6 CIDRs or addresses
   * @param notIpBlocks client addresses that must not match
   */
  public record Source(
      @Doc("Mesh principals (SPIFFE ids).") List<String> principals,
      @Doc("Mesh principals that must not match.") List<String> notPrincipals,
      @Doc("JWT principals, iss/sub.") List<String> requestPrincipals,
      @Doc("JWT principals that must not match.") List<String> notRequestPrincipals,
      @Doc("Source namespaces (from the mesh identity).") List<String> namespaces,
      @Doc("Source namespaces that must not match.") List<String> notNamespaces,
      @Doc("Client addresses as IPv4/IPv6 CIDRs or addresses.") List<String> ipBlocks,
      @Doc("Client addresses that must not match.") List<String> notIpBlocks) {
    public Source {
      principals = principals == null ? List.of() : List.copyOf(principals);
      notPrincipals = notPrincipals == null ? List.of() : List.copyOf(notPrincipals);
      requestPrincipals = requestPrincipals == null ? List.of() : List.copyOf(requestPrincipals);
      notRequestPrincipals =
          notRequestPrincipals == null ? List.of() : List.copyOf(notRequestPrincipals);
      namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
      notNamespaces = notNamespaces == null ? List.of() : List.copyOf(notNamespaces);
      ipBlocks = ipBlocks == null ? List.of() : List.copyOf(ipBlocks);
      notIpBlocks = notIpBlocks == null ? List.of() : List.copyOf(notIpBlocks);
    }
  }

  /**
   * An operation wrapper, as in Istio.
   *
   * @param operation the operation
   */
  public record To(@Doc("The operation.") Operation operation) {}

  /**
   * What the request does; every non-empty field must match.
   *
   * @param hosts hosts: exact, *.-wildcard or *
   * @param notHosts hosts that must not match
   * @param ports destination ports, 1..65535
   * @param notPorts destination ports that must not match
   * @param methods HTTP methods
   * @param notMethods HTTP methods that must not match
   * @param paths paths: exact (/x), prefix (/x/*), suffix (*.json) or *
   * @param notPaths paths that must not match
   */
  public record Operation(
      @Doc("Hosts: exact, *.-wildcard or *.") List<String> hosts,
      @Doc("Hosts that must not match.") List<String> notHosts,
      @Doc("Destination ports, 1..65535.") List<Integer> ports,
      @Doc("Destination ports that must not match.") List<Integer> notPorts,
      @Doc(value = "HTTP methods.", allowed = {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT",
              "OPTIONS", "TRACE", "PATCH"})
          List<String> methods,
      @Doc(value = "HTTP methods that must not match.", allowed = {"GET", "HEAD", "POST", "PUT",
              "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"})
          List<String> notMethods,
      @Doc("Paths: exact (/x), prefix (/x/*), suffix (*.json) or *.") List<String> paths,
      @Doc("Paths that must not match.") List<String> notPaths) {
    public Operation {
      hosts = hosts == null ? List.of() : List.copyOf(hosts);
      notHosts = notHosts == null ? List.of() : List.copyOf(notHosts);
      ports = ports == null ? List.of() : List.copyOf(ports);
      notPorts = notPorts == null ? List.of() : List.copyOf(notPorts);
      methods = methods == null ? List.of() : List.copyOf(methods);
      notMethods = notMethods == null ? List.of() : List.copyOf(notMethods);
      paths = paths == null ? List.of() : List.copyOf(paths);
      notPaths = notPaths == null ? List.of() : List.copyOf(notPaths);
    }
  }

  /**
   * An Istio {@code when} condition: the attribute named by {@code key} must be one of
   * {@code values} and none of {@code notValues}.
   *
   * @param key an Istio attribute, e.g. request.headers[x-tenant], source.ip, request.auth.claims[groups]
   * @param values accepted values (exact, prefix* or *suffix)
   * @param notValues refused values
   */
  public record Condition(
      @Doc("An Istio attribute, e.g. request.headers[x-tenant], source.ip, request.auth.claims[groups].")
          String key,
      @Doc("Accepted values (exact, prefix* or *suffix).") List<String> values,
      @Doc("Refused values.") List<String> notValues) {
    public Condition {
      values = values == null ? List.of() : List.copyOf(values);
      notValues = notValues == null ? List.of() : List.copyOf(notValues);
    }
  }
}
