package dev.crossgate.routing.authz;

import dev.crossgate.policy.model.TargetRef;
import java.util.Objects;
import java.util.Set;

/**
 * What a request is sent to, as policies name it with a {@link TargetRef}: the route (kind,
 * namespace, name), the Gateway and the listeners it is attached to, and the Services it is
 * routed to. A sidecar describes its inbound Service with {@link #service}.
 *
 * @param routeKind {@code HTTPRoute} or {@code GRPCRoute}, or null for none
 * @param routeNamespace the route's namespace, or null
 * @param routeName the route's name, or null
 * @param gateway the Gateway as {@code namespace/name}, or null for none (a sidecar)
 * @param listeners the names of the Gateway listeners the route is attached to
 * @param services the Services reached, each {@code namespace/name}
 */
public record PolicyTarget(String routeKind, String routeNamespace, String routeName,
    String gateway, Set<String> listeners, Set<String> services) {

  public PolicyTarget {
    listeners = Set.copyOf(listeners);
    services = Set.copyOf(services);
  }

  /** The target of a sidecar's inbound traffic: one Service. */
  public static PolicyTarget service(String namespace, String name) {
    return new PolicyTarget(null, null, null, null, Set.of(), Set.of(namespace + "/" + name));
  }

  /** Whether {@code ref}, written in a policy of {@code policyNamespace}, names this target. */
  public boolean matches(TargetRef ref, String policyNamespace) {
    if (ref == null || ref.kind() == null || ref.name() == null) {
      return false;
    }
    return switch (ref.kind()) {
      case "Gateway" -> gateway != null && gateway.equals(policyNamespace + "/" + ref.name())
          && (ref.sectionName() == null || listeners.contains(ref.sectionName()));
      case "HTTPRoute", "GRPCRoute" -> ref.kind().equals(routeKind)
          && Objects.equals(routeNamespace, policyNamespace) && ref.name().equals(routeName);
      case "Service" -> services.contains(policyNamespace + "/" + ref.name());
      default -> false;
    };
  }

  /** Whether any of {@code refs} names this target. */
  public boolean matchesAny(java.util.List<TargetRef> refs, String policyNamespace) {
    for (TargetRef ref : refs) {
      if (matches(ref, policyNamespace)) {
        return true;
      }
    }
    return false;
  }
}
