package dev.crossgate.policy.validation;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.codec.ConfigProblem;
import dev.crossgate.policy.model.AuthorizationPolicy;
import dev.crossgate.policy.model.Gateway;
import dev.crossgate.policy.model.GrpcRoute;
import dev.crossgate.policy.model.HttpRoute;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.RateLimitPolicy;
import dev.crossgate.policy.model.RequestAuthentication;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.model.Role;
import dev.crossgate.policy.model.RoleBinding;
import dev.crossgate.policy.model.Service;
import dev.crossgate.policy.model.WafPolicy;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Validates a whole {@link PolicyBundle}: every resource's fields, references between resources,
 * duplicates and route conflicts. Finds every problem rather than stopping at the first.
 *
 * <p>Works on bundles built in code too; their problems carry no source and line 0.
 */
public final class PolicyValidator {

  private PolicyValidator() {}

  /** Validates a bundle built in code with the default options: problems carry no source and line 0. */
  public static List<ConfigProblem> validate(PolicyBundle bundle) {
    return validate(bundle, SourceLocator.NONE, ValidationOptions.DEFAULTS);
  }

  /** Validates a bundle with the default options, locating problems through {@code locator}. */
  public static List<ConfigProblem> validate(PolicyBundle bundle, SourceLocator locator) {
    return validate(bundle, locator, ValidationOptions.DEFAULTS);
  }

  /**
   * Validates a bundle, locating problems through {@code locator}, for a data plane with
   * {@code options}.
   *
   * @return every problem found, sorted by source and line; empty when the bundle is valid
   */
  public static List<ConfigProblem> validate(
      PolicyBundle bundle, SourceLocator locator, ValidationOptions options) {
    requireNonNull(bundle, "bundle");
    requireNonNull(locator, "locator");
    requireNonNull(options, "options");
    return check(bundle, new BundleIndex(bundle), locator, options);
  }

  /**
   * Validates a bundle after a change, re-checking only what the change can affect: the changed
   * resources in full, and the cross-resource rules that read them (references to and from them,
   * route conflicts on the paths they match). Gives exactly what {@link #validate(PolicyBundle,
   * SourceLocator, ValidationOptions)} gives for the whole bundle, provided the bundle before the
   * change (the unchanged resources plus the ones {@code removed} names, as they were) validated
   * without problems with the same {@code options}.
   *
   * @param bundle the whole bundle after the change
   * @param changed the resources of {@code bundle} that are new or changed
   * @param removed the refs ({@code Kind namespace/name}, as {@link Resource#ref()}) of the
   *     resources the change replaced or deleted
   * @return every problem found, sorted by source and line; empty when the bundle is valid
   */
  public static List<ConfigProblem> validateChange(
      PolicyBundle bundle,
      Collection<Resource> changed,
      Set<String> removed,
      SourceLocator locator,
      ValidationOptions options) {
    requireNonNull(bundle, "bundle");
    requireNonNull(changed, "changed");
    requireNonNull(removed, "removed");
    requireNonNull(locator, "locator");
    requireNonNull(options, "options");
    PolicyBundle affected = ChangeScope.affected(bundle, changed, removed);
    if (affected == null) {
      return check(bundle, new BundleIndex(bundle), locator, options);
    }
    if (affected.resources().isEmpty()) {
      return List.of();
    }
    return check(affected, new BundleIndex(bundle), locator, options);
  }

  /** Checks the resources of {@code bundle}, resolving references through {@code index}. */
  private static List<ConfigProblem> check(
      PolicyBundle bundle, BundleIndex index, SourceLocator locator, ValidationOptions options) {
    ProblemList problems = new ProblemList(locator);
    MetadataRules.check(bundle, problems);
    for (Resource resource : bundle.resources()) {
      if (resource instanceof Gateway gateway) {
        GatewayRules.check(gateway, options, problems);
      } else if (resource instanceof Service service) {
        ServiceRules.check(service, problems);
      } else if (resource instanceof HttpRoute route) {
        HttpRouteRules.check(route, index, problems);
      } else if (resource instanceof GrpcRoute route) {
        GrpcRouteRules.check(route, index, problems);
      } else if (resource instanceof RequestAuthentication authentication) {
        RequestAuthenticationRules.check(authentication, index, problems);
      } else if (resource instanceof Role role) {
        RbacRules.checkRole(role, problems);
      } else if (resource instanceof RoleBinding binding) {
        RbacRules.checkBinding(binding, index, problems);
      } else if (resource instanceof AuthorizationPolicy policy) {
        AuthorizationPolicyRules.check(policy, index, problems);
      } else if (resource instanceof RateLimitPolicy policy) {
        RateLimitRules.check(policy, index, problems);
      } else if (resource instanceof WafPolicy policy) {
        WafRules.check(policy, index, problems);
      }
    }
    TcpRouteRules.check(bundle, index, problems);
    MeshMigrationRules.check(bundle, index, problems);
    RouteConflictRules.check(bundle, index, problems);
    GrpcRouteRules.checkConflicts(bundle, index, problems);
    return problems.toList().stream().sorted(ConfigProblem.ORDER).toList();
  }
}
