package dev.crossgate.policy.validation;

import dev.crossgate.policy.model.AuthorizationPolicy;
import dev.crossgate.policy.model.Service;
import dev.crossgate.policy.model.TargetRef;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks an {@code AuthorizationPolicy} that targets an opaque TCP {@code Service}
 * ({@code spec.protocol: TCP}): such a service is authorized per connection, right after the
 * mTLS handshake, with what is known at L4 — the caller's verified principal and namespace, its
 * address, the destination port. A condition on anything else (hosts, methods, paths, JWT
 * principals, request headers or claims, a CEL condition, SNI) could never be evaluated there, so
 * it is refused here, naming the field and the TCP target, rather than silently not applying.
 */
final class TcpAuthorizationRules {

  /** The {@code when} keys known for a connection. */
  static final List<String> L4_KEYS = List.of("source.ip", "remote.ip", "source.principal",
      "source.namespace", "destination.ip", "destination.port");

  private TcpAuthorizationRules() {}

  static void check(AuthorizationPolicy policy, BundleIndex index, FieldChecks checks) {
    AuthorizationPolicy.Spec spec = policy.spec();
    List<String> tcp = tcpTargets(spec.targetRefs(), policy.metadata().namespace(), index);
    if (tcp.isEmpty()) {
      return;
    }
    String expected = "nothing here: the policy targets the opaque TCP service "
        + String.join(", ", tcp) + ", authorized per connection with source principals, "
        + "namespaces and ipBlocks, operation ports, and when keys " + String.join(", ", L4_KEYS);
    if (spec.condition() != null) {
      checks.expected("spec.condition", spec.condition(), expected);
    }
    for (int i = 0; i < spec.rules().size(); i++) {
      AuthorizationPolicy.Rule rule = spec.rules().get(i);
      if (rule == null) {
        continue;
      }
      String path = "spec.rules[" + i + "]";
      for (int j = 0; j < rule.from().size(); j++) {
        AuthorizationPolicy.From from = rule.from().get(j);
        if (from != null && from.source() != null) {
          String at = path + ".from[" + j + "].source";
          present(checks, at + ".requestPrincipals", from.source().requestPrincipals(), expected);
          present(checks, at + ".notRequestPrincipals", from.source().notRequestPrincipals(),
              expected);
        }
      }
      for (int j = 0; j < rule.to().size(); j++) {
        AuthorizationPolicy.To to = rule.to().get(j);
        if (to != null && to.operation() != null) {
          String at = path + ".to[" + j + "].operation";
          AuthorizationPolicy.Operation operation = to.operation();
          present(checks, at + ".hosts", operation.hosts(), expected);
          present(checks, at + ".notHosts", operation.notHosts(), expected);
          present(checks, at + ".methods", operation.methods(), expected);
          present(checks, at + ".notMethods", operation.notMethods(), expected);
          present(checks, at + ".paths", operation.paths(), expected);
          present(checks, at + ".notPaths", operation.notPaths(), expected);
        }
      }
      for (int j = 0; j < rule.when().size(); j++) {
        AuthorizationPolicy.Condition condition = rule.when().get(j);
        if (condition != null && condition.key() != null
            && !L4_KEYS.contains(condition.key())) {
          checks.expected(path + ".when[" + j + "].key", condition.key(), expected);
        }
      }
    }
  }

  private static void present(FieldChecks checks, String path, List<?> values, String expected) {
    if (!values.isEmpty()) {
      checks.expected(path, values, expected);
    }
  }

  /** The targets that are TCP services, as {@code namespace/name}. */
  static List<String> tcpTargets(List<TargetRef> refs, String namespace,
      BundleIndex index) {
    List<String> tcp = new ArrayList<>();
    for (TargetRef ref : refs) {
      if (ref != null && "Service".equals(ref.kind()) && ref.name() != null) {
        index.service(namespace, ref.name())
            .filter(TcpAuthorizationRules::opaque)
            .ifPresent(service -> tcp.add(namespace + "/" + ref.name()));
      }
    }
    return tcp;
  }

  private static boolean opaque(Service service) {
    return service.spec() != null && "TCP".equals(service.spec().protocol());
  }
}
