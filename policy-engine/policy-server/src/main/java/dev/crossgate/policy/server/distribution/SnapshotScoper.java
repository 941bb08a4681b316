package dev.crossgate.policy.server.distribution;

import dev.crossgate.policy.distribution.v1.Hello;
import dev.crossgate.policy.distribution.v1.NodeRole;
import dev.crossgate.policy.model.Gateway;
import dev.crossgate.policy.model.GrpcRoute;
import dev.crossgate.policy.model.HttpRoute;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.model.Service;
import dev.crossgate.policy.server.store.ResourceKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chooses the resources one data plane receives. A gateway gets its Gateway, everything that
 * refers to it (routes) or to what those refer to (services, policies targeting any of them), and
 * everything those name in turn, so the snapshot validates on its own. A sidecar gets its own
 * Service, the Services of its namespace it may call, and everything that refers to those.
 * Nothing else of the mesh is sent.
 */
final class SnapshotScoper {

  private SnapshotScoper() {}

  /** The bundle for the node that said {@code hello}. */
  static PolicyBundle scope(PolicyBundle all, Hello hello) {
    Map<ResourceKey, Resource> byKey = new LinkedHashMap<>();
    all.resources().forEach(r -> byKey.put(ResourceKey.of(r), r));
    Map<ResourceKey, List<ResourceKey>> referrers = new HashMap<>();
    for (Resource resource : all.resources()) {
      ResourceKey from = ResourceKey.of(resource);
      for (ResourceKey to : ResourceReferences.of(resource)) {
        referrers.computeIfAbsent(to, k -> new ArrayList<>()).add(from);
      }
    }
    Set<ResourceKey> roots = hello.getRole() == NodeRole.NODE_ROLE_SIDECAR
        ? sidecarRoots(all, hello) : gatewayRoots(all, hello);
    Set<ResourceKey> chosen = new HashSet<>();
    Deque<ResourceKey> work = new ArrayDeque<>(roots);
    // Downward closure of the roots plus everything that refers to a chosen resource
    // (routes attached to the gateway, policies targeting a chosen service), then the
    // references of what was added, until nothing changes.
    while (!work.isEmpty()) {
      ResourceKey key = work.pop();
      if (!byKey.containsKey(key) || !chosen.add(key)) {
        continue;
      }
      work.addAll(ResourceReferences.of(byKey.get(key)));
      for (ResourceKey referrer : referrers.getOrDefault(key, List.of())) {
        if (belongsToNode(referrer, key, roots)
            || meshRouteOf(byKey.get(referrer), byKey.get(key), roots, key)) {
          work.add(referrer);
        }
      }
    }
    List<Resource> result = new ArrayList<>();
    byKey.forEach((key, resource) -> {
      if (chosen.contains(key)) {
        result.add(resource);
      }
    });
    return new PolicyBundle(result);
  }

  private static final Set<String> ROUTE_KINDS = Set.of("HTTPRoute", "GRPCRoute", "TCPRoute");

  /**
   * Whether {@code referrer}, which names the chosen {@code target}, belongs to the node: a
   * route only when it attaches to one of the node's own Gateways (a route that merely uses a
   * chosen Service as a backend serves some other gateway); a policy whenever it targets
   * something chosen.
   */
  private static boolean belongsToNode(ResourceKey referrer, ResourceKey target,
      Set<ResourceKey> roots) {
    if (ROUTE_KINDS.contains(referrer.kind())) {
      return target.kind().equals(Gateway.KIND) && roots.contains(target);
    }
    return true;
  }

  /**
   * Whether {@code route} is a mesh route (a {@code parentRefs[].kind: Service}) of the chosen
   * Service {@code target}, one of a sidecar's roots: its callers' sidecars apply it.
   */
  private static boolean meshRouteOf(Resource route, Resource target, Set<ResourceKey> roots,
      ResourceKey targetKey) {
    if (!(target instanceof Service) || !roots.contains(targetKey)) {
      return false;
    }
    List<HttpRoute.ParentRef> parents = route instanceof HttpRoute http ? http.spec().parentRefs()
        : route instanceof GrpcRoute grpc ? grpc.spec().parentRefs() : List.of();
    for (HttpRoute.ParentRef parent : parents) {
      if (parent.service() && parent.name().equals(targetKey.name())
          && (parent.namespace() == null ? route.metadata().namespace() : parent.namespace())
              .equals(targetKey.namespace())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The Gateway a gateway node serves, as {@code namespace/name}, or empty when the node's hello
   * does not pick exactly one.
   */
  static String servedGateway(PolicyBundle all, Hello hello) {
    if (hello.getRole() == NodeRole.NODE_ROLE_SIDECAR) {
      return "";
    }
    Set<ResourceKey> roots = gatewayRoots(all, hello);
    return roots.size() == 1 ? roots.iterator().next().namespace() + "/"
        + roots.iterator().next().name() : "";
  }

  /**
   * The Gateways a gateway node's scope starts from, as sorted {@code namespace/name}s joined by
   * commas: two hellos with the same get the same snapshot.
   */
  static String gatewayScope(PolicyBundle all, Hello hello) {
    return String.join(",", gatewayRoots(all, hello).stream()
        .map(key -> key.namespace() + "/" + key.name()).sorted().toList());
  }

  private static Set<ResourceKey> gatewayRoots(PolicyBundle all, Hello hello) {
    String wanted = hello.getGatewayName();
    Set<ResourceKey> roots = new HashSet<>();
    for (Gateway gateway : all.ofKind(Gateway.class)) {
      if (wanted.isEmpty() || wanted.equals(gateway.metadata().name())
          || wanted.equals(gateway.metadata().qualifiedName())) {
        roots.add(ResourceKey.of(gateway));
      }
    }
    return roots;
  }

  private static Set<ResourceKey> sidecarRoots(PolicyBundle all, Hello hello) {
    String namespace = hello.getNamespace().isEmpty() ? "default" : hello.getNamespace();
    Set<ResourceKey> roots = new HashSet<>();
    for (Service service : all.ofKind(Service.class)) {
      if (service.metadata().namespace().equals(namespace)) {
        roots.add(ResourceKey.of(service));
      }
    }
    return roots;
  }
}
