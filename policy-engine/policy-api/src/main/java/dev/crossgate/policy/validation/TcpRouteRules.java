package dev.crossgate.policy.validation;

import dev.crossgate.policy.model.Gateway;
import dev.crossgate.policy.model.HttpRoute;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.TcpRoute;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Checks {@code TCPRoute}s: TCP listeners as parents, backends, and one route per listener. */
final class TcpRouteRules {

  private static final List<String> TCP = List.of("TCP");

  private TcpRouteRules() {}

  static void check(PolicyBundle bundle, BundleIndex index, ProblemList problems) {
    Map<String, TcpRoute> byListener = new LinkedHashMap<>();
    for (TcpRoute route : bundle.ofKind(TcpRoute.class)) {
      if (route.metadata() == null) {
        continue;
      }
      FieldChecks checks = new FieldChecks(route, problems);
      TcpRoute.Spec spec = route.spec();
      if (spec == null) {
        checks.expected("spec", null, "a mapping with parentRefs and rules");
        continue;
      }
      HttpRouteRules shared = HttpRouteRules.forRoute(route, index, problems);
      if (spec.parentRefs().isEmpty()) {
        checks.expected("spec.parentRefs", spec.parentRefs(), "at least one Gateway with a TCP listener");
      }
      for (int i = 0; i < spec.parentRefs().size(); i++) {
        shared.checkParentRef(spec.parentRefs().get(i), "spec.parentRefs[" + i + "]", TCP);
      }
      if (spec.rules().isEmpty()) {
        checks.expected("spec.rules", spec.rules(), "at least one rule");
      }
      for (int i = 0; i < spec.rules().size(); i++) {
        TcpRoute.Rule rule = spec.rules().get(i);
        String path = "spec.rules[" + i + "]";
        if (rule == null) {
          checks.expected(path, null, "a rule");
          continue;
        }
        shared.checkWeightedBackends(rule.backendRefs(), path, true,
            "at least one backendRef with weight > 0");
      }
      for (String listener : GrpcRouteRules.attachedListeners(route, spec.parentRefs(), index)) {
        if (!isTcp(listener, index)) {
          continue;
        }
        TcpRoute first = byListener.putIfAbsent(listener, route);
        if (first != null && first != route) {
          String where = problems.locate(first, "spec.parentRefs");
          problems.add(
              route,
              "spec.parentRefs",
              "conflicts with " + ProblemList.refOf(first) + (where == null ? "" : " (" + where + ")")
                  + ": both attach to listener " + listener
                  + " (expected: one TCPRoute per TCP listener)");
        }
      }
    }
  }

  private static boolean isTcp(String listener, BundleIndex index) {
    int hash = listener.indexOf('#');
    int slash = listener.indexOf('/');
    if (hash < 0 || slash < 0) {
      return false;
    }
    return index.gateway(listener.substring(0, slash), listener.substring(slash + 1, hash))
        .map(g -> g.spec() == null ? List.<Gateway.Listener>of() : g.spec().listeners())
        .orElse(List.of()).stream()
        .anyMatch(l -> l != null && listener.substring(hash + 1).equals(l.name()) && "TCP".equals(l.protocol()));
  }
}
