package dev.crossgate.routing.authz;

import dev.crossgate.policy.model.MeshMigration;
import dev.crossgate.policy.model.PolicyBundle;
import java.util.HashSet;
import java.util.Set;

/**
 * The Services of a snapshot whose own sidecar is in their inbound path: those with a
 * {@code MeshMigration} at stage {@code observe} or later. Such a Service enforces the
 * authorization policies that target it at its inbound (audit or enforce by stage, with the
 * caller's mesh principal), so the gateway leaves those policies to it. A Service without a
 * MeshMigration, or at stage {@code off}, has no inbound enforcement point but the gateway.
 * Immutable.
 */
public final class MeshInboundServices {

  private static final MeshInboundServices NONE = new MeshInboundServices(Set.of());

  private final Set<String> services;

  private MeshInboundServices(Set<String> services) {
    this.services = Set.copyOf(services);
  }

  /** No Service in the mesh. */
  public static MeshInboundServices none() {
    return NONE;
  }

  /** The Services of {@code bundle} whose MeshMigration stage is {@code observe} or later. */
  public static MeshInboundServices of(PolicyBundle bundle) {
    Set<String> meshed = new HashSet<>();
    for (MeshMigration migration : bundle.ofKind(MeshMigration.class)) {
      if (migration.spec() == null || migration.spec().service() == null
          || migration.spec().service().name() == null) {
        continue;
      }
      if (migration.stage().orElse(MeshMigration.Stage.off)
          .atLeast(MeshMigration.Stage.observe)) {
        meshed.add(migration.serviceNamespace() + "/" + migration.spec().service().name());
      }
    }
    return meshed.isEmpty() ? NONE : new MeshInboundServices(meshed);
  }

  /** Whether {@code service} ({@code namespace/name}) enforces its own policies at its inbound. */
  public boolean contains(String service) {
    return services.contains(service);
  }

  /**
   * {@code target} as the gateway enforces it: without the Services that enforce their own
   * policies, so a policy that targets only those Services is not evaluated at the gateway.
   * The Gateway, its listeners and the route stay, so policies naming them always apply.
   */
  public PolicyTarget atGateway(PolicyTarget target) {
    if (services.isEmpty() || target.services().stream().noneMatch(services::contains)) {
      return target;
    }
    Set<String> remaining = new HashSet<>(target.services());
    remaining.removeAll(services);
    return new PolicyTarget(target.routeKind(), target.routeNamespace(), target.routeName(),
        target.gateway(), target.listeners(), remaining);
  }
}
