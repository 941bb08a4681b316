package dev.crossgate.policy.validation;

import dev.crossgate.policy.cel.ConditionCompiler;
import dev.crossgate.policy.model.AllowedValues;
import dev.crossgate.policy.model.AuthorizationPolicy;
import dev.crossgate.policy.model.AuthorizationPolicy.Condition;
import dev.crossgate.policy.model.AuthorizationPolicy.Operation;
import dev.crossgate.policy.model.AuthorizationPolicy.Source;
import java.util.List;

/** Checks an {@code AuthorizationPolicy}: targets, action, rules, {@code when} keys and CEL. */
final class AuthorizationPolicyRules {

  /** Istio's {@code when} keys without a parameter. */
  static final List<String> PLAIN_KEYS =
      List.of(
          "source.ip",
          "remote.ip",
          "source.namespace",
          "source.principal",
          "request.auth.principal",
          "request.auth.audiences",
          "request.auth.presenter",
          "destination.ip",
          "destination.port",
          "connection.sni");

  /** Istio's {@code when} keys with a bracketed name. */
  static final List<String> BRACKET_KEYS = List.of("request.headers", "request.auth.claims");

  private static final List<String> ALL_KEYS =
      java.util.stream.Stream.concat(
              PLAIN_KEYS.stream(), BRACKET_KEYS.stream().map(k -> k + "[<name>]"))
          .toList();

  private AuthorizationPolicyRules() {}

  static void check(AuthorizationPolicy policy, BundleIndex index, ProblemList problems) {
    if (policy.metadata() == null) {
      return;
    }
    FieldChecks checks = new FieldChecks(policy, problems);
    AuthorizationPolicy.Spec spec = policy.spec();
    if (spec == null) {
      checks.expected("spec", null, "a mapping with targetRefs and rules");
      return;
    }
    TargetRefRules.check(checks, spec.targetRefs(), TargetRefRules.ROUTABLE_KINDS, index);
    checks.oneOf("spec.action", spec.action(), AuthorizationPolicy.Spec.class, "action");
    for (int i = 0; i < spec.rules().size(); i++) {
      AuthorizationPolicy.Rule rule = spec.rules().get(i);
      String path = "spec.rules[" + i + "]";
      if (rule == null) {
        checks.expected(path, null, "a rule");
        continue;
      }
      for (int j = 0; j < rule.from().size(); j++) {
        AuthorizationPolicy.From from = rule.from().get(j);
        checkSource(checks, from == null ? null : from.source(), path + ".from[" + j + "].source");
      }
      for (int j = 0; j < rule.to().size(); j++) {
        AuthorizationPolicy.To to = rule.to().get(j);
        checkOperation(checks, to == null ? null : to.operation(), path + ".to[" + j + "].operation");
      }
      for (int j = 0; j < rule.when().size(); j++) {
        checkCondition(checks, rule.when().get(j), path + ".when[" + j + "]");
      }
    }
    TcpAuthorizationRules.check(policy, index, checks);
    if (spec.condition() != null) {
      ConditionCompiler.Compilation compilation = ConditionCompiler.standard().compile(spec.condition());
      for (String error : compilation.errors()) {
        problems.add(
            policy,
            "spec.condition",
            error + " (expected: a CEL expression of type bool over request, source, jwt and now)");
      }
    }
  }

  private static void checkSource(FieldChecks checks, Source source, String path) {
    if (source == null) {
      checks.expected(path, null, "a source with principals, namespaces, ipBlocks or their not* twins");
      return;
    }
    nonBlank(checks, path + ".principals", source.principals(), "a principal, e.g. spiffe://cluster.local/ns/shop/sa/web");
    nonBlank(checks, path + ".notPrincipals", source.notPrincipals(), "a principal");
    nonBlank(checks, path + ".requestPrincipals", source.requestPrincipals(), "a JWT principal, iss/sub");
    nonBlank(checks, path + ".notRequestPrincipals", source.notRequestPrincipals(), "a JWT principal, iss/sub");
    namespaces(checks, path + ".namespaces", source.namespaces());
    namespaces(checks, path + ".notNamespaces", source.notNamespaces());
    cidrs(checks, path + ".ipBlocks", source.ipBlocks());
    cidrs(checks, path + ".notIpBlocks", source.notIpBlocks());
  }

  private static void checkOperation(FieldChecks checks, Operation operation, String path) {
    if (operation == null) {
      checks.expected(path, null, "an operation with hosts, ports, methods, paths or their not* twins");
      return;
    }
    RbacRules.hosts(checks, path + ".hosts", operation.hosts());
    RbacRules.hosts(checks, path + ".notHosts", operation.notHosts());
    for (int i = 0; i < operation.ports().size(); i++) {
      checks.range(path + ".ports[" + i + "]", operation.ports().get(i), 1, 65535);
    }
    for (int i = 0; i < operation.notPorts().size(); i++) {
      checks.range(path + ".notPorts[" + i + "]", operation.notPorts().get(i), 1, 65535);
    }
    List<String> methods = AllowedValues.of(Operation.class, "methods");
    for (int i = 0; i < operation.methods().size(); i++) {
      checks.oneOf(path + ".methods[" + i + "]", operation.methods().get(i), methods);
    }
    for (int i = 0; i < operation.notMethods().size(); i++) {
      checks.oneOf(path + ".notMethods[" + i + "]", operation.notMethods().get(i), methods);
    }
    RbacRules.paths(checks, path + ".paths", operation.paths());
    RbacRules.paths(checks, path + ".notPaths", operation.notPaths());
  }

  private static void checkCondition(FieldChecks checks, Condition condition, String path) {
    if (condition == null) {
      checks.expected(path, null, "a condition with key and values");
      return;
    }
    String key = condition.key();
    if (key == null || !isKnownKey(key)) {
      checks.expected(
          path + ".key",
          key,
          "one of " + String.join(", ", ALL_KEYS) + NameSuggestions.hint(key, PLAIN_KEYS));
      return;
    }
    if (condition.values().isEmpty() && condition.notValues().isEmpty()) {
      checks.expected(path + ".values", condition.values(), "at least one value in values or notValues");
    }
    if (key.equals("source.ip") || key.equals("remote.ip") || key.equals("destination.ip")) {
      cidrs(checks, path + ".values", condition.values());
      cidrs(checks, path + ".notValues", condition.notValues());
    } else if (key.equals("destination.port")) {
      ports(checks, path + ".values", condition.values());
      ports(checks, path + ".notValues", condition.notValues());
    }
  }

  private static boolean isKnownKey(String key) {
    if (PLAIN_KEYS.contains(key)) {
      return true;
    }
    for (String prefix : BRACKET_KEYS) {
      if (key.startsWith(prefix + "[") && key.endsWith("]") && key.length() > prefix.length() + 2) {
        return true;
      }
    }
    return false;
  }

  private static void nonBlank(FieldChecks checks, String path, List<String> values, String expected) {
    for (int i = 0; i < values.size(); i++) {
      checks.required(path + "[" + i + "]", values.get(i), expected);
    }
  }

  private static void namespaces(FieldChecks checks, String path, List<String> values) {
    for (int i = 0; i < values.size(); i++) {
      if (!NameSyntax.isDnsLabel(values.get(i))) {
        checks.expected(path + "[" + i + "]", values.get(i), "a namespace (a DNS-1123 label)");
      }
    }
  }

  static void cidrs(FieldChecks checks, String path, List<String> values) {
    for (int i = 0; i < values.size(); i++) {
      if (!NameSyntax.isCidrOrAddress(values.get(i))) {
        checks.expected(
            path + "[" + i + "]",
            values.get(i),
            "an IPv4 or IPv6 address or CIDR, e.g. 10.0.0.0/8 or 2001:db8::/32");
      }
    }
  }

  private static void ports(FieldChecks checks, String path, List<String> values) {
    for (int i = 0; i < values.size(); i++) {
      String value = values.get(i);
      boolean ok = value != null && value.matches("[0-9]{1,5}") && Integer.parseInt(value) >= 1
          && Integer.parseInt(value) <= 65535;
      if (!ok) {
        checks.expected(path + "[" + i + "]", value, "a port, 1..65535");
      }
    }
  }
}
