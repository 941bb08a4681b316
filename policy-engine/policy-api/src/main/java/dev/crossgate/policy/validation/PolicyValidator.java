package dev.crossgate.policy.validation;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.codec.ConfigProblem;
import dev.crossgate.policy.model.Gateway;
import dev.crossgate.policy.model.HttpRoute;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.model.Service;
import java.util.List;

/**
 * Validates a whole {@link PolicyBundle}: every resource's fields, references between resources,
 * duplicates and route conflicts. Finds every problem rather than stopping at the first.
 *
 * <p>Works on bundles built in code too; their problems carry no source and line 0.
 */
public final class PolicyValidator {

  private PolicyValidator() {}

  /** Validates a bundle built in code: problems carry no source and line 0. */
  public static List<ConfigProblem> validate(PolicyBundle bundle) {
    return validate(bundle, SourceLocator.NONE);
  }

  /**
   * Validates a bundle, locating problems through {@code locator}.
   *
   * @return every problem found, sorted by source and line; empty when the bundle is valid
   */
  public static List<ConfigProblem> validate(PolicyBundle bundle, SourceLocator locator) {
    requireNonNull(bundle, "bundle");
    requireNonNull(locator, "locator");
    ProblemList problems = new ProblemList(locator);
    BundleIndex index = new BundleIndex(bundle);
    MetadataRules.check(bundle, problems);
    for (Resource resource : bundle.resources()) {
      if (resource instanceof Gateway gateway) {
        GatewayRules.check(gateway, problems);
      } else if (resource instanceof Service service) {
        ServiceRules.check(service, problems);
      } else if (resource instanceof HttpRoute route) {
        HttpRouteRules.check(route, index, problems);
      }
    }
    RouteConflictRules.check(bundle, index, problems);
    return problems.toList().stream().sorted(ConfigProblem.ORDER).toList();
  }
}
