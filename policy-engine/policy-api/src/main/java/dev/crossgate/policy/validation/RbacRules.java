package dev.crossgate.policy.validation;

import dev.crossgate.policy.model.AllowedValues;
import dev.crossgate.policy.model.Role;
import dev.crossgate.policy.model.RoleBinding;
import java.util.List;

/** Checks {@code Role} permissions and {@code RoleBinding} grants. */
final class RbacRules {

  private RbacRules() {}

  static void checkRole(Role role, ProblemList problems) {
    if (role.metadata() == null) {
      return;
    }
    FieldChecks checks = new FieldChecks(role, problems);
    if (role.spec() == null) {
      checks.expected("spec", null, "a mapping with rules");
      return;
    }
    List<Role.Rule> rules = role.spec().rules();
    if (rules.isEmpty()) {
      checks.expected("spec.rules", rules, "at least one rule");
    }
    List<String> methods = AllowedValues.of(Role.Rule.class, "methods");
    for (int i = 0; i < rules.size(); i++) {
      Role.Rule rule = rules.get(i);
      String path = "spec.rules[" + i + "]";
      if (rule == null) {
        checks.expected(path, null, "a rule");
        continue;
      }
      hosts(checks, path + ".hosts", rule.hosts());
      for (int j = 0; j < rule.methods().size(); j++) {
        checks.oneOf(path + ".methods[" + j + "]", rule.methods().get(j), methods);
      }
      paths(checks, path + ".paths", rule.paths());
    }
  }

  static void checkBinding(RoleBinding binding, BundleIndex index, ProblemList problems) {
    if (binding.metadata() == null) {
      return;
    }
    FieldChecks checks = new FieldChecks(binding, problems);
    RoleBinding.Spec spec = binding.spec();
    if (spec == null) {
      checks.expected("spec", null, "a mapping with roleRef, subjects and targetRefs");
      return;
    }
    String namespace = binding.metadata().namespace();
    String roleName = spec.roleRef() == null ? null : spec.roleRef().name();
    if (checks.required("spec.roleRef.name", roleName, "the name of a Role in namespace " + namespace)
        && index.find(Role.KIND, namespace, roleName).isEmpty()) {
      checks.expected(
          "spec.roleRef.name",
          roleName,
          "an existing Role in namespace " + namespace + "; known: " + index.namesOf(Role.KIND, namespace));
    }
    if (spec.subjects().isEmpty()) {
      checks.expected("spec.subjects", spec.subjects(), "at least one subject");
    }
    for (int i = 0; i < spec.subjects().size(); i++) {
      RoleBinding.Subject subject = spec.subjects().get(i);
      String path = "spec.subjects[" + i + "]";
      if (subject == null) {
        checks.expected(path, null, "a subject");
        continue;
      }
      if (subject.kind() == null) {
        checks.expected(path + ".kind", null, "one of User, Group, Principal");
      } else {
        checks.oneOf(path + ".kind", subject.kind(), RoleBinding.Subject.class, "kind");
      }
      checks.required(path + ".name", subject.name(), "a subject name");
      if (subject.claim() != null && !"Group".equals(subject.kind())) {
        problems.add(binding, path + ".claim", "set (expected: only for kind Group)");
      } else if (subject.claim() != null) {
        checks.required(path + ".claim", subject.claim(), "a claim name, e.g. groups or roles");
      }
    }
    TargetRefRules.check(checks, spec.targetRefs(), TargetRefRules.ROUTABLE_KINDS, index);
    checkOpaqueTargets(binding, index, checks);
  }

  /**
   * A binding on an opaque TCP service is evaluated per connection, where only the caller's mesh
   * identity is known: a User or Group subject (from a JWT) can never match there, and a Role
   * whose every rule names hosts, methods or paths grants nothing. Both are refused, naming the
   * TCP target, rather than silently allowing nothing.
   */
  private static void checkOpaqueTargets(RoleBinding binding, BundleIndex index,
      FieldChecks checks) {
    RoleBinding.Spec spec = binding.spec();
    String namespace = binding.metadata().namespace();
    List<String> tcp = TcpAuthorizationRules.tcpTargets(spec.targetRefs(), namespace, index);
    if (tcp.isEmpty()) {
      return;
    }
    String target = "the opaque TCP service " + String.join(", ", tcp)
        + ", authorized per connection with the caller's mesh identity only";
    for (int i = 0; i < spec.subjects().size(); i++) {
      RoleBinding.Subject subject = spec.subjects().get(i);
      if (subject != null && subject.kind() != null && !"Principal".equals(subject.kind())) {
        checks.expected("spec.subjects[" + i + "].kind", subject.kind(),
            "Principal: the binding targets " + target);
      }
    }
    String roleName = spec.roleRef() == null ? null : spec.roleRef().name();
    index.find(Role.KIND, namespace, roleName)
        .map(Role.class::cast)
        .filter(role -> role.spec() != null && !role.spec().rules().isEmpty()
            && role.spec().rules().stream().allMatch(RbacRules::needsARequest))
        .ifPresent(role -> checks.expected("spec.roleRef.name", roleName,
            "a Role with a rule that names no hosts, methods or paths: the binding targets "
                + target + ", and every rule of Role " + roleName + " needs an HTTP request"));
  }

  private static boolean needsARequest(Role.Rule rule) {
    return rule == null || !rule.hosts().isEmpty() || !rule.methods().isEmpty()
        || !rule.paths().isEmpty();
  }

  static void hosts(FieldChecks checks, String path, List<String> hosts) {
    for (int j = 0; j < hosts.size(); j++) {
      if (!AccessPatterns.isHost(hosts.get(j))) {
        checks.expected(path + "[" + j + "]", hosts.get(j), AccessPatterns.HOST_EXPECTED);
      }
    }
  }

  static void paths(FieldChecks checks, String path, List<String> paths) {
    for (int j = 0; j < paths.size(); j++) {
      if (!AccessPatterns.isPath(paths.get(j))) {
        checks.expected(path + "[" + j + "]", paths.get(j), AccessPatterns.PATH_EXPECTED);
      }
    }
  }
}
