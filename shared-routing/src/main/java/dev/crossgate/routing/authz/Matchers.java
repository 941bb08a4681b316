package dev.crossgate.routing.authz;

import dev.crossgate.policy.model.AuthorizationPolicy;
import dev.crossgate.policy.model.Role;
import dev.crossgate.policy.model.RoleBinding;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles the Istio-shaped parts of policies ({@code from.source}, {@code to.operation},
 * {@code when}) and RBAC subjects and permissions into {@link RequestPredicate}s. Every non-empty
 * field must hold; a positive field needs the attribute present, a {@code not*} field holds when
 * the attribute is absent.
 */
final class Matchers {

  private Matchers() {}

  static RequestPredicate source(AuthorizationPolicy.Source source) {
    List<RequestPredicate> all = new ArrayList<>();
    positive(all, ValueMatch.all(source.principals(), false), r -> r.identity().sourcePrincipal());
    negative(all, ValueMatch.all(source.notPrincipals(), false),
        r -> r.identity().sourcePrincipal());
    positive(all, ValueMatch.all(source.requestPrincipals(), false),
        r -> r.identity().requestPrincipal());
    negative(all, ValueMatch.all(source.notRequestPrincipals(), false),
        r -> r.identity().requestPrincipal());
    positive(all, ValueMatch.all(source.namespaces(), false), r -> r.identity().sourceNamespace());
    negative(all, ValueMatch.all(source.notNamespaces(), false),
        r -> r.identity().sourceNamespace());
    List<IpBlock> ips = IpBlock.all(source.ipBlocks());
    if (!ips.isEmpty()) {
      all.add(r -> IpBlock.any(ips, r.sourceAddress()));
    }
    List<IpBlock> notIps = IpBlock.all(source.notIpBlocks());
    if (!notIps.isEmpty()) {
      all.add(r -> !IpBlock.any(notIps, r.sourceAddress()));
    }
    return allOf(all);
  }

  static RequestPredicate operation(AuthorizationPolicy.Operation operation) {
    List<RequestPredicate> all = new ArrayList<>();
    positive(all, ValueMatch.all(operation.hosts(), true), AuthzRequest::host);
    negative(all, ValueMatch.all(operation.notHosts(), true), AuthzRequest::host);
    if (!operation.ports().isEmpty()) {
      List<Integer> ports = List.copyOf(operation.ports());
      all.add(r -> ports.contains(r.port()));
    }
    if (!operation.notPorts().isEmpty()) {
      List<Integer> ports = List.copyOf(operation.notPorts());
      all.add(r -> !ports.contains(r.port()));
    }
    positive(all, ValueMatch.all(operation.methods(), false), AuthzRequest::method);
    negative(all, ValueMatch.all(operation.notMethods(), false), AuthzRequest::method);
    positive(all, ValueMatch.all(operation.paths(), false), AuthzRequest::path);
    negative(all, ValueMatch.all(operation.notPaths(), false), AuthzRequest::path);
    return allOf(all);
  }

  /** An Istio {@code when}: some value of the attribute is accepted and none is refused. */
  static RequestPredicate when(AuthorizationPolicy.Condition condition) {
    WhenKey key = WhenKey.parse(condition.key());
    if (key.isAddress()) {
      List<IpBlock> blocks = IpBlock.all(condition.values());
      List<IpBlock> notBlocks = IpBlock.all(condition.notValues());
      return request -> {
        List<String> actual = key.values(request);
        if (!blocks.isEmpty() && actual.stream().noneMatch(v -> IpBlock.any(blocks, v))) {
          return false;
        }
        return notBlocks.isEmpty() || actual.stream().noneMatch(v -> IpBlock.any(notBlocks, v));
      };
    }
    List<ValueMatch> values = ValueMatch.all(condition.values(), false);
    List<ValueMatch> notValues = ValueMatch.all(condition.notValues(), false);
    return request -> {
      List<String> actual = key.values(request);
      if (!values.isEmpty() && actual.stream().noneMatch(v -> ValueMatch.any(values, v))) {
        return false;
      }
      return notValues.isEmpty() || actual.stream().noneMatch(v -> ValueMatch.any(notValues, v));
    };
  }

  /** An RBAC permission: hosts, methods and paths, each any when empty. */
  static RequestPredicate permission(Role.Rule rule) {
    List<RequestPredicate> all = new ArrayList<>();
    positive(all, ValueMatch.all(rule.hosts(), true), AuthzRequest::host);
    positive(all, ValueMatch.all(rule.methods(), false), AuthzRequest::method);
    positive(all, ValueMatch.all(rule.paths(), false), AuthzRequest::path);
    return allOf(all);
  }

  /** An RBAC subject: a JWT {@code sub}, a value of a group claim, or a mesh principal. */
  static RequestPredicate subject(RoleBinding.Subject subject) {
    String name = subject.name();
    return switch (subject.kind()) {
      case "User" -> r -> r.identity().authenticated() && name.equals(r.identity().claim("sub"));
      case "Group" -> {
        String claim = subject.claim() == null ? "groups" : subject.claim();
        yield r -> WhenKey.claimValues(r.identity(), claim).contains(name);
      }
      case "Principal" -> r -> name.equals(r.identity().sourcePrincipal());
      default -> throw new IllegalArgumentException("subject kind: " + subject.kind()
          + " (expected User, Group or Principal)");
    };
  }

  static RequestPredicate allOf(List<RequestPredicate> all) {
    if (all.isEmpty()) {
      return r -> true;
    }
    RequestPredicate[] tests = all.toArray(RequestPredicate[]::new);
    return r -> {
      for (RequestPredicate test : tests) {
        if (!test.test(r)) {
          return false;
        }
      }
      return true;
    };
  }

  static RequestPredicate anyOf(List<RequestPredicate> any) {
    if (any.isEmpty()) {
      return r -> true;
    }
    RequestPredicate[] tests = any.toArray(RequestPredicate[]::new);
    return r -> {
      for (RequestPredicate test : tests) {
        if (test.test(r)) {
          return true;
        }
      }
      return false;
    };
  }

  private interface Attribute {
    String of(AuthzRequest request);
  }

  private static void positive(List<RequestPredicate> all, List<ValueMatch> patterns,
      Attribute attribute) {
    if (!patterns.isEmpty()) {
      all.add(r -> ValueMatch.any(patterns, attribute.of(r)));
    }
  }

  private static void negative(List<RequestPredicate> all, List<ValueMatch> patterns,
      Attribute attribute) {
    if (!patterns.isEmpty()) {
      all.add(r -> !ValueMatch.any(patterns, attribute.of(r)));
    }
  }
}
