package dev.crossgate.policy.validation;

import dev.crossgate.policy.model.AuthorizationPolicy;
import dev.crossgate.policy.model.Gateway;
import dev.crossgate.policy.model.GrpcRoute;
import dev.crossgate.policy.model.HttpRoute;
import dev.crossgate.policy.model.MeshMigration;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.RateLimitPolicy;
import dev.crossgate.policy.model.RequestAuthentication;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.model.Role;
import dev.crossgate.policy.model.RoleBinding;
import dev.crossgate.policy.model.Service;
import dev.crossgate.policy.model.TargetRef;
import dev.crossgate.policy.model.TcpRoute;
import dev.crossgate.policy.model.WafPolicy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The resources of a bundle that a change can make invalid, given that the bundle before the
 * change validated without problems: the changed resources themselves, and every unchanged one
 * whose checks read a changed or removed one: policies whose {@code targetRefs} name it, bindings
 * of a changed Role, HTTPRoutes that match a path a changed HTTPRoute matches (they may now
 * conflict), and every GRPCRoute, TCPRoute or MeshMigration when one of that kind changed
 * (their one-per-listener and one-per-service rules span the kind). Gateways and Services are read
 * by nearly every check, so a change to one of them scopes the whole bundle.
 */
final class ChangeScope {

  /** Kinds whose change re-checks everything. */
  private static final Set<String> EVERYTHING = Set.of(Gateway.KIND, Service.KIND);

  /** Kinds whose change re-checks every resource of the same kind. */
  private static final Set<String> WHOLE_KIND = Set.of(GrpcRoute.KIND, TcpRoute.KIND, MeshMigration.KIND);

  private ChangeScope() {}

  /**
   * The resources of {@code bundle} to validate, in bundle order, or null when only the whole
   * bundle will do.
   *
   * @param bundle the bundle after the change
   * @param changed the resources of {@code bundle} that are new or changed
   * @param removed the refs ({@code Kind ns/name}) of the resources the change replaced or deleted
   */
  static PolicyBundle affected(PolicyBundle bundle, Collection<Resource> changed, Set<String> removed) {
    Set<Resource> fresh = Collections.newSetFromMap(new IdentityHashMap<>());
    fresh.addAll(changed);
    Set<String> refs = new HashSet<>(removed);
    Set<String> kinds = new HashSet<>();
    Set<String> paths = new HashSet<>();
    for (Resource resource : fresh) {
      if (resource.metadata() == null || resource.metadata().name() == null) {
        return null;
      }
      refs.add(resource.ref());
      if (resource instanceof HttpRoute route) {
        paths.addAll(RouteConflictRules.pathKeys(route));
      }
    }
    for (String ref : refs) {
      int space = ref.indexOf(' ');
      if (space <= 0) {
        return null;
      }
      kinds.add(ref.substring(0, space));
    }
    if (kinds.stream().anyMatch(EVERYTHING::contains)) {
      return null;
    }
    List<Resource> affected = new ArrayList<>();
    for (Resource resource : bundle.resources()) {
      if (fresh.contains(resource) || reads(resource, refs, kinds, paths)) {
        affected.add(resource);
      }
    }
    return new PolicyBundle(affected);
  }

  /** Whether an unchanged resource's checks can read what changed. */
  private static boolean reads(Resource resource, Set<String> refs, Set<String> kinds, Set<String> paths) {
    if (resource.metadata() == null || resource.metadata().name() == null) {
      return false; // was valid before: cannot be (every resource needs a name)
    }
    if (refs.contains(resource.ref()) || WHOLE_KIND.contains(resource.kind()) && kinds.contains(resource.kind())) {
      return true;
    }
    if (resource instanceof HttpRoute route && kinds.contains(HttpRoute.KIND)) {
      for (String path : RouteConflictRules.pathKeys(route)) {
        if (paths.contains(path)) {
          return true;
        }
      }
    }
    if (resource instanceof RoleBinding && kinds.contains(Role.KIND)) {
      return true;
    }
    String namespace = resource.metadata().namespace();
    for (TargetRef target : targetRefs(resource)) {
      if (target != null && target.kind() != null && target.name() != null
          && refs.contains(target.kind() + " " + namespace + "/" + target.name())) {
        return true;
      }
    }
    return false;
  }

  private static List<TargetRef> targetRefs(Resource resource) {
    if (resource instanceof AuthorizationPolicy policy && policy.spec() != null) {
      return policy.spec().targetRefs();
    } else if (resource instanceof RateLimitPolicy policy && policy.spec() != null) {
      return policy.spec().targetRefs();
    } else if (resource instanceof RequestAuthentication authentication && authentication.spec() != null) {
      return authentication.spec().targetRefs();
    } else if (resource instanceof RoleBinding binding && binding.spec() != null) {
      return binding.spec().targetRefs();
    } else if (resource instanceof WafPolicy policy && policy.spec() != null) {
      return policy.spec().targetRefs();
    }
    return List.of();
  }
}
