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
import java.util.List;

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
    ProblemList problems = new ProblemList(locator);
    BundleIndex index = new BundleIndex(bundle);
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
