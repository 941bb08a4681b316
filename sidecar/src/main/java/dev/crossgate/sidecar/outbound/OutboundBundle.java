package dev.crossgate.sidecar.outbound;

import dev.crossgate.policy.model.Gateway;
import dev.crossgate.policy.model.GrpcRoute;
import dev.crossgate.policy.model.HttpRoute;
import dev.crossgate.policy.model.ObjectMeta;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.model.Service;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns a sidecar's validated snapshot bundle into the bundle the shared routing compiler serves
 * on the outbound port: one synthetic Gateway with one HTTP listener; every HTTP or gRPC Service
 * gets a default route ({@code PathPrefix /} to itself) for its mesh names; every mesh route (a
 * route whose {@code parentRefs[].kind} is {@code Service}) is attached, for each Service it names,
 * to that Service's mesh names. Services without a {@code loadBalancer} use Peak-EWMA. Nothing
 * else of the snapshot (authorization, rate limits, the inbound side's business) is compiled.
 */
final class OutboundBundle {

  /** The synthetic gateway's name. */
  static final String GATEWAY = "crossgate-sidecar-outbound";
  /** The outbound listener's name. */
  static final String LISTENER = "outbound";
  /** The balancer of a Service that names none. */
  static final Service.LoadBalancer PEAK_EWMA = new Service.LoadBalancer("PeakEwma", null);

  private OutboundBundle() {}

  /** The outbound bundle of {@code snapshot} for a sidecar in {@code namespace}. */
  static PolicyBundle of(PolicyBundle snapshot, String namespace) {
    List<Resource> resources = new ArrayList<>();
    resources.add(new Gateway(null, ObjectMeta.of(namespace, GATEWAY), new Gateway.Spec(null,
        List.of(new Gateway.Listener(LISTENER, 1, "HTTP", null)))));
    HttpRoute.ParentRef parent = new HttpRoute.ParentRef(GATEWAY, namespace, LISTENER);
    Set<String> http = new HashSet<>();
    for (Service service : snapshot.ofKind(Service.class)) {
      Service.Spec spec = service.spec();
      resources.add(spec.loadBalancer() != null ? service : new Service(service.apiVersion(),
          service.metadata(), new Service.Spec(spec.endpoints(), PEAK_EWMA, spec.protocol(),
              spec.healthCheck(), spec.outlierDetection(), spec.connectionPool(),
              spec.circuitBreaker(), spec.timeouts(), spec.retryBudget(), spec.tls(),
              spec.meshPort())));
      if ("TCP".equals(spec.protocol())) {
        continue; // opaque TCP: no HTTP route
      }
      ObjectMeta meta = service.metadata();
      http.add(meta.qualifiedName());
      resources.add(new HttpRoute(null,
          // No creation time: the default route loses every precedence tie to a real one.
          new ObjectMeta("~default-" + meta.name(), meta.namespace(), null, null, null),
          new HttpRoute.Spec(List.of(parent), MeshNames.of(meta.namespace(), meta.name(),
              namespace), List.of(new HttpRoute.Rule(null, List.of(), List.of(),
                  List.of(new HttpRoute.BackendRef(meta.name(), meta.namespace(), null, 1)))))));
    }
    for (HttpRoute route : snapshot.ofKind(HttpRoute.class)) {
      for (HttpRoute.ParentRef target : serviceParents(route.spec().parentRefs(),
          route.metadata(), http)) {
        resources.add(new HttpRoute(route.apiVersion(), route.metadata(), new HttpRoute.Spec(
            List.of(parent), names(target, route.metadata(), namespace), route.spec().rules())));
      }
    }
    for (GrpcRoute route : snapshot.ofKind(GrpcRoute.class)) {
      for (HttpRoute.ParentRef target : serviceParents(route.spec().parentRefs(),
          route.metadata(), http)) {
        resources.add(new GrpcRoute(route.apiVersion(), route.metadata(), new GrpcRoute.Spec(
            List.of(parent), names(target, route.metadata(), namespace), route.spec().rules())));
      }
    }
    return new PolicyBundle(resources);
  }

  private static List<HttpRoute.ParentRef> serviceParents(List<HttpRoute.ParentRef> parents,
      ObjectMeta route, Set<String> http) {
    return parents.stream().filter(HttpRoute.ParentRef::service)
        .filter(p -> http.contains(namespaceOf(p, route) + "/" + p.name())).toList();
  }

  private static List<String> names(HttpRoute.ParentRef parent, ObjectMeta route,
      String namespace) {
    return MeshNames.of(namespaceOf(parent, route), parent.name(), namespace);
  }

  private static String namespaceOf(HttpRoute.ParentRef parent, ObjectMeta route) {
    return parent.namespace() == null ? route.namespace() : parent.namespace();
  }
}
