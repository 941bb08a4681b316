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
    Set<String> names = new HashSet<>();
    for (String ref : refs) {
      // Every candidate: a name or namespace that is itself invalid may hold a '/'.
      for (int slash = ref.indexOf('/'); slash >= 0; slash = ref.indexOf('/', slash + 1)) {
        names.add(ref.substring(slash + 1));
      }
    }
    Set<String> values = new HashSet<>();
    for (String path : paths) {
      String value = path.substring(path.indexOf(' ') + 1);
      values.add(value);
      values.add(value + "/");
    }
    Changed touched = new Changed(refs, names, kinds, paths, values);
    List<Resource> affected = new ArrayList<>();
    for (Resource resource : bundle.resources()) {
      if (fresh.contains(resource) || reads(resource, touched)) {
        affected.add(resource);
      }
    }
    return new PolicyBundle(affected);
  }

  /**
   * What a change touched.
   *
   * @param refs the refs of the changed and removed resources
   * @param names their names (a cheap first test before a ref is built)
   * @param kinds their kinds
   * @param paths the path keys the changed HTTPRoutes match
   * @param values those paths' values, also with a trailing {@code /}
   */
  private record Changed(Set<String> refs, Set<String> names, Set<String> kinds,
      Set<String> paths, Set<String> values) {

    boolean has(String kind, String namespace, String name) {
      return names.contains(name) && refs.contains(kind + " " + namespace + "/" + name);
    }
  }

  /** Whether an unchanged resource's checks can read what changed. */
  private static boolean reads(Resource resource, Changed changed) {
    if (resource.metadata() == null || resource.metadata().name() == null) {
      return false; // was valid before: cannot be (every resource needs a name)
    }
    String namespace = resource.metadata().namespace();
    if (changed.has(resource.kind(), namespace, resource.metadata().name())
        || WHOLE_KIND.contains(resource.kind()) && changed.kinds().contains(resource.kind())) {
      return true;
    }
    if (resource instanceof HttpRoute route && changed.kinds().contains(HttpRoute.KIND)
        && RouteConflictRules.sharesPath(route, changed.paths(), changed.values())) {
      return true;
    }
    if (resource instanceof RoleBinding && changed.kinds().contains(Role.KIND)) {
      return true;
    }
    for (TargetRef target : targetRefs(resource)) {
      if (target != null && target.kind() != null && target.name() != null
          && changed.has(target.kind(), namespace, target.name())) {
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
