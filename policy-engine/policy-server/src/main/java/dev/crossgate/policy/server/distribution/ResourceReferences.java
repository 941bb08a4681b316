package dev.crossgate.policy.server.distribution;

import dev.crossgate.policy.model.AuthorizationPolicy;
import dev.crossgate.policy.model.Gateway;
import dev.crossgate.policy.model.GrpcRoute;
import dev.crossgate.policy.model.HttpRoute;
import dev.crossgate.policy.model.MeshMigration;
import dev.crossgate.policy.model.RateLimitPolicy;
import dev.crossgate.policy.model.RequestAuthentication;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.model.RoleBinding;
import dev.crossgate.policy.model.Service;
import dev.crossgate.policy.model.TargetRef;
import dev.crossgate.policy.model.TcpRoute;
import dev.crossgate.policy.model.WafPolicy;
import dev.crossgate.policy.server.store.ResourceKey;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The resources one resource names: parent gateways, backends, policy targets, roles. */
final class ResourceReferences {

  private ResourceReferences() {}

  /** Every resource {@code resource} refers to, as keys (which may or may not exist). */
  static Set<ResourceKey> of(Resource resource) {
    String ns = resource.metadata().namespace();
    Set<ResourceKey> refs = new LinkedHashSet<>();
    if (resource instanceof HttpRoute route) {
      parents(route.spec().parentRefs(), ns, refs);
      for (HttpRoute.Rule rule : route.spec().rules()) {
        backends(rule.backendRefs(), ns, refs);
        mirrors(rule.filters(), ns, refs);
      }
    } else if (resource instanceof GrpcRoute route) {
      parents(route.spec().parentRefs(), ns, refs);
      for (GrpcRoute.Rule rule : route.spec().rules()) {
        backends(rule.backendRefs(), ns, refs);
        mirrors(rule.filters(), ns, refs);
      }
    } else if (resource instanceof TcpRoute route) {
      parents(route.spec().parentRefs(), ns, refs);
      for (TcpRoute.Rule rule : route.spec().rules()) {
        backends(rule.backendRefs(), ns, refs);
      }
    } else if (resource instanceof RoleBinding binding) {
      if (binding.spec().roleRef() != null) {
        refs.add(new ResourceKey("Role", ns, binding.spec().roleRef().name()));
      }
      targets(binding.spec().targetRefs(), ns, refs);
    } else if (resource instanceof AuthorizationPolicy policy) {
      targets(policy.spec().targetRefs(), ns, refs);
    } else if (resource instanceof RequestAuthentication policy) {
      targets(policy.spec().targetRefs(), ns, refs);
    } else if (resource instanceof RateLimitPolicy policy) {
      targets(policy.spec().targetRefs(), ns, refs);
    } else if (resource instanceof WafPolicy policy) {
      targets(policy.spec().targetRefs(), ns, refs);
    } else if (resource instanceof MeshMigration migration && migration.spec() != null
        && migration.spec().service() != null) {
      refs.add(new ResourceKey(Service.KIND, migration.serviceNamespace(),
          migration.spec().service().name()));
    }
    return refs;
  }

  private static void parents(List<HttpRoute.ParentRef> parents, String ns,
      Set<ResourceKey> refs) {
    for (HttpRoute.ParentRef parent : parents) {
      refs.add(new ResourceKey(parent.service() ? Service.KIND : Gateway.KIND,
          parent.namespace() == null ? ns : parent.namespace(), parent.name()));
    }
  }

  private static void backends(List<HttpRoute.BackendRef> backends, String ns,
      Set<ResourceKey> refs) {
    for (HttpRoute.BackendRef backend : backends) {
      refs.add(new ResourceKey(Service.KIND,
          backend.namespace() == null ? ns : backend.namespace(), backend.name()));
    }
  }

  private static void mirrors(List<HttpRoute.Filter> filters, String ns, Set<ResourceKey> refs) {
    for (HttpRoute.Filter filter : filters) {
      if (filter.requestMirror() != null && filter.requestMirror().backendRef() != null) {
        backends(List.of(filter.requestMirror().backendRef()), ns, refs);
      }
    }
  }

  private static void targets(List<TargetRef> targets, String ns, Set<ResourceKey> refs) {
    for (TargetRef target : targets) {
      refs.add(new ResourceKey(target.kind(), ns, target.name()));
    }
  }
}
