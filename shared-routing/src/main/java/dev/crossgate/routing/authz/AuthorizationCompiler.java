package dev.crossgate.routing.authz;

import dev.crossgate.policy.cel.CompiledCondition;
import dev.crossgate.policy.cel.ConditionCompiler;
import dev.crossgate.policy.model.AuthorizationPolicy;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.Role;
import dev.crossgate.policy.model.RoleBinding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles the {@code AuthorizationPolicy}, {@code Role} and {@code RoleBinding} resources of a
 * snapshot once (CEL conditions included) and hands out the {@link AuthorizationEngine} of each
 * {@link PolicyTarget}. A RoleBinding becomes an ALLOW policy whose rules are its Role's
 * permissions, each required together with one of its subjects.
 */
public final class AuthorizationCompiler {

  private record Targeted(CompiledPolicy policy, AuthorizationPolicy.Spec spec,
      RoleBinding.Spec binding, String namespace) {}

  private final List<Targeted> policies = new ArrayList<>();
  private final MeshInboundServices meshInbound;

  /**
   * Compiles the policies of a validated bundle.
   *
   * @throws IllegalArgumentException when a CEL condition does not compile (the validator
   *     reports that first, so this means a bundle that skipped validation)
   */
  public AuthorizationCompiler(PolicyBundle bundle) {
    meshInbound = MeshInboundServices.of(bundle);
    for (AuthorizationPolicy policy : bundle.ofKind(AuthorizationPolicy.class)) {
      policies.add(new Targeted(compile(policy), policy.spec(), null,
          policy.metadata().namespace()));
    }
    Map<String, Role> roles = new LinkedHashMap<>();
    for (Role role : bundle.ofKind(Role.class)) {
      roles.put(role.metadata().qualifiedName(), role);
    }
    for (RoleBinding binding : bundle.ofKind(RoleBinding.class)) {
      Role role = roles.get(binding.metadata().namespace() + "/"
          + binding.spec().roleRef().name());
      if (role == null) {
        throw new IllegalArgumentException("RoleBinding " + binding.metadata().qualifiedName()
            + " roleRef: " + binding.spec().roleRef().name() + " (expected a Role in "
            + binding.metadata().namespace() + ")");
      }
      policies.add(new Targeted(compile(binding, role), null, binding.spec(),
          binding.metadata().namespace()));
    }
  }

  /** Compiles one AuthorizationPolicy. */
  public static CompiledPolicy compile(AuthorizationPolicy policy) {
    AuthorizationPolicy.Spec spec = policy.spec();
    List<RequestPredicate> rules = new ArrayList<>();
    for (AuthorizationPolicy.Rule rule : spec.rules()) {
      List<RequestPredicate> from = rule.from().stream()
          .map(f -> Matchers.source(f.source())).toList();
      List<RequestPredicate> to = rule.to().stream()
          .map(t -> Matchers.operation(t.operation())).toList();
      List<RequestPredicate> when = rule.when().stream().map(Matchers::when).toList();
      rules.add(Matchers.allOf(List.of(Matchers.anyOf(from), Matchers.anyOf(to),
          Matchers.allOf(when))));
    }
    CompiledCondition condition = null;
    if (spec.condition() != null) {
      ConditionCompiler.Compilation compilation = ConditionCompiler.standard()
          .compile(spec.condition());
      if (!compilation.ok()) {
        throw new IllegalArgumentException("AuthorizationPolicy "
            + policy.metadata().qualifiedName() + " spec.condition: " + compilation.errors());
      }
      condition = compilation.condition();
    }
    Action action = spec.action() == null ? Action.ALLOW : Action.valueOf(spec.action());
    return new CompiledPolicy("AuthorizationPolicy " + policy.metadata().qualifiedName(),
        action, Boolean.TRUE.equals(spec.dryRun()), rules, condition);
  }

  /** Compiles one RoleBinding with its Role into an ALLOW policy. */
  public static CompiledPolicy compile(RoleBinding binding, Role role) {
    RequestPredicate subjects = binding.spec().subjects().isEmpty() ? r -> false
        : Matchers.anyOf(binding.spec().subjects().stream().map(Matchers::subject).toList());
    List<RequestPredicate> rules = new ArrayList<>();
    for (Role.Rule permission : role.spec().rules()) {
      rules.add(Matchers.allOf(List.of(subjects, Matchers.permission(permission))));
    }
    return new CompiledPolicy("RoleBinding " + binding.metadata().qualifiedName(), Action.ALLOW,
        false, rules, null);
  }

  /**
   * The engine the gateway enforces for {@code target}: the policies and grants that name its
   * Gateway, listeners or route, and those that name a Service it routes to unless that Service
   * is in the mesh (a {@code MeshMigration} at stage {@code observe} or later), whose sidecar
   * enforces them at its inbound with the caller's principal (see {@link MeshInboundServices}).
   */
  public AuthorizationEngine engineAtGateway(PolicyTarget target) {
    return engineFor(meshInbound.atGateway(target));
  }

  /**
   * The engine of {@code target}: the policies and grants that name it. A sidecar's inbound uses
   * this with {@link PolicyTarget#service}; the gateway uses {@link #engineAtGateway}.
   */
  public AuthorizationEngine engineFor(PolicyTarget target) {
    List<CompiledPolicy> matching = new ArrayList<>();
    boolean defaultDeny = false;
    for (Targeted targeted : policies) {
      boolean names = targeted.spec() != null
          ? target.matchesAny(targeted.spec().targetRefs(), targeted.namespace())
          : target.matchesAny(targeted.binding().targetRefs(), targeted.namespace());
      if (names) {
        matching.add(targeted.policy());
        defaultDeny |= targeted.spec() != null
            && Boolean.TRUE.equals(targeted.spec().defaultDeny());
      }
    }
    return new AuthorizationEngine(matching, defaultDeny);
  }
}
