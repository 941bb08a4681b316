package dev.crossgate.policy.validation;

import dev.crossgate.policy.model.Gateway;
import dev.crossgate.policy.model.GrpcRoute;
import dev.crossgate.policy.model.HttpRoute;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.Resource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** Checks {@code GRPCRoute}s and the matches two of them (or one twice) would both select. */
final class GrpcRouteRules {

  /** The filters a GRPCRoute accepts. */
  static final List<String> FILTER_TYPES =
      List.of(
          FilterRules.REQUEST_HEADER_MODIFIER,
          FilterRules.RESPONSE_HEADER_MODIFIER,
          FilterRules.REQUEST_MIRROR);

  private static final String ANY = "*";

  private GrpcRouteRules() {}

  static void check(GrpcRoute route, BundleIndex index, ProblemList problems) {
    if (route.metadata() == null) {
      return;
    }
    FieldChecks checks = new FieldChecks(route, problems);
    GrpcRoute.Spec spec = route.spec();
    if (spec == null) {
      checks.expected("spec", null, "a mapping with rules");
      return;
    }
    HttpRouteRules shared = HttpRouteRules.forRoute(route, index, problems);
    for (int i = 0; i < spec.hostnames().size(); i++) {
      if (!NameSyntax.isHostnameOrWildcard(spec.hostnames().get(i))) {
        checks.expected(
            "spec.hostnames[" + i + "]",
            spec.hostnames().get(i),
            "a hostname like grpc.example.com or *.example.com, without port");
      }
    }
    for (int i = 0; i < spec.parentRefs().size(); i++) {
      shared.checkParentRef(
          spec.parentRefs().get(i), "spec.parentRefs[" + i + "]", HttpRouteRules.HTTP_PROTOCOLS);
    }
    if (spec.rules().isEmpty()) {
      checks.expected("spec.rules", spec.rules(), "at least one rule");
    }
    for (int i = 0; i < spec.rules().size(); i++) {
      GrpcRoute.Rule rule = spec.rules().get(i);
      String path = "spec.rules[" + i + "]";
      if (rule == null) {
        checks.expected(path, null, "a rule");
        continue;
      }
      for (int j = 0; j < rule.matches().size(); j++) {
        checkMatch(checks, shared, rule.matches().get(j), path + ".matches[" + j + "]");
      }
      HttpRoute.Rule asHttp = new HttpRoute.Rule(rule.name(), List.of(), rule.filters(), rule.backendRefs());
      new FilterRules(route, asHttp, path, FILTER_TYPES, shared, problems).check();
      shared.checkWeightedBackends(rule.backendRefs(), path, true,
          "at least one backendRef with weight > 0");
    }
  }

  private static void checkMatch(
      FieldChecks checks, HttpRouteRules shared, GrpcRoute.Match match, String path) {
    if (match == null) {
      checks.expected(path, null, "a match");
      return;
    }
    GrpcRoute.MethodMatch method = match.method();
    if (method != null) {
      String type = method.type() == null ? HttpRouteRules.EXACT : method.type();
      if (checks.oneOf(path + ".method.type", type, GrpcRoute.MethodMatch.class, "type")) {
        if (method.service() == null && method.method() == null) {
          checks.expected(path + ".method", "empty", "service, method or both");
        }
        if (type.equals(HttpRouteRules.REGULAR_EXPRESSION)) {
          if (method.service() != null) {
            shared.checkRegex(method.service(), path + ".method.service");
          }
          if (method.method() != null) {
            shared.checkRegex(method.method(), path + ".method.method");
          }
        } else {
          if (method.service() != null && !method.service().matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*")) {
            checks.expected(path + ".method.service", method.service(), "a fully qualified gRPC service, e.g. shop.v1.Orders");
          }
          if (method.method() != null && !method.method().matches("[A-Za-z_][A-Za-z0-9_]*")) {
            checks.expected(path + ".method.method", method.method(), "a gRPC method name, e.g. GetOrder");
          }
        }
      }
    }
    shared.checkValueMatches(match.headers(), path + ".headers", true);
  }

  /** What a match selects, defaults applied. */
  private record MatchKey(String type, String service, String method, Set<List<String>> headers) {
    String describe() {
      return (service == null ? "any service" : service) + "/" + (method == null ? "any method" : method)
          + (headers.isEmpty() ? "" : ", " + headers.size() + " header match(es)");
    }
  }

  private record Occurrence(GrpcRoute route, String path, Set<String> hosts, Set<String> listeners) {}

  static void checkConflicts(PolicyBundle bundle, BundleIndex index, ProblemList problems) {
    Map<MatchKey, List<Occurrence>> byKey = new LinkedHashMap<>();
    for (GrpcRoute route : bundle.ofKind(GrpcRoute.class)) {
      if (route.metadata() == null || route.spec() == null) {
        continue;
      }
      Set<String> hosts = new HashSet<>();
      route.spec().hostnames().stream().filter(Objects::nonNull)
          .forEach(h -> hosts.add(h.toLowerCase(Locale.ROOT)));
      if (hosts.isEmpty()) {
        hosts.add(ANY);
      }
      Set<String> listeners = attachedListeners(route, route.spec().parentRefs(), index);
      for (int i = 0; i < route.spec().rules().size(); i++) {
        GrpcRoute.Rule rule = route.spec().rules().get(i);
        if (rule == null) {
          continue;
        }
        String rulePath = "spec.rules[" + i + "]";
        List<GrpcRoute.Match> matches = rule.matches().isEmpty() ? java.util.Collections.singletonList(null) : rule.matches();
        for (int j = 0; j < matches.size(); j++) {
          String path = rule.matches().isEmpty() ? rulePath : rulePath + ".matches[" + j + "]";
          byKey.computeIfAbsent(keyOf(matches.get(j)), k -> new ArrayList<>())
              .add(new Occurrence(route, path, hosts, listeners));
        }
      }
    }
    for (Map.Entry<MatchKey, List<Occurrence>> entry : byKey.entrySet()) {
      List<Occurrence> same = entry.getValue();
      for (int later = 1; later < same.size(); later++) {
        for (int earlier = 0; earlier < later; earlier++) {
          Occurrence first = same.get(earlier);
          Occurrence second = same.get(later);
          Set<String> hosts = new TreeSet<>(first.hosts());
          hosts.retainAll(second.hosts());
          Set<String> listeners = new HashSet<>(first.listeners());
          listeners.retainAll(second.listeners());
          if (hosts.isEmpty() || listeners.isEmpty()) {
            continue;
          }
          String where = problems.locate(first.route(), first.path());
          problems.add(
              second.route(),
              second.path(),
              "conflicts with " + ProblemList.refOf(first.route()) + " " + first.path()
                  + (where == null ? "" : " (" + where + ")")
                  + ": both match " + entry.getKey().describe() + " for host " + String.join(", ", hosts)
                  + " (expected: matches that differ in hostname, service, method or headers on the same gateway)");
          break;
        }
      }
    }
  }

  private static MatchKey keyOf(GrpcRoute.Match match) {
    if (match == null || match.method() == null) {
      return new MatchKey(HttpRouteRules.EXACT, null, null, keys(match));
    }
    GrpcRoute.MethodMatch method = match.method();
    return new MatchKey(
        method.type() == null ? HttpRouteRules.EXACT : method.type(), method.service(), method.method(), keys(match));
  }

  private static Set<List<String>> keys(GrpcRoute.Match match) {
    Set<List<String>> keys = new HashSet<>();
    if (match != null) {
      for (HttpRoute.ValueMatch header : match.headers()) {
        if (header != null && header.name() != null) {
          keys.add(List.of(HttpRouteRules.valueType(header), header.name().toLowerCase(Locale.ROOT), Objects.toString(header.value())));
        }
      }
    }
    return keys;
  }

  /** {@code ns/gateway#listener} for every listener a route's parents name. */
  static Set<String> attachedListeners(Resource route, List<HttpRoute.ParentRef> parents, BundleIndex index) {
    Set<String> listeners = new HashSet<>();
    if (parents.isEmpty()) {
      for (Gateway gateway : index.gateways()) {
        BundleIndex.listenerNames(gateway).forEach(l -> listeners.add(gateway.metadata().qualifiedName() + "#" + l));
      }
      if (listeners.isEmpty()) {
        listeners.add(ANY);
      }
      return listeners;
    }
    for (HttpRoute.ParentRef ref : parents) {
      if (ref == null || ref.name() == null || ref.service()) {
        continue; // a mesh route's Service parent is not a gateway listener
      }
      String namespace = ref.namespace() == null ? route.metadata().namespace() : ref.namespace();
      index.gateway(namespace, ref.name()).ifPresent(gateway -> {
        for (String name : BundleIndex.listenerNames(gateway)) {
          if (ref.sectionName() == null || ref.sectionName().equals(name)) {
            listeners.add(gateway.metadata().qualifiedName() + "#" + name);
          }
        }
      });
    }
    return listeners;
  }
}
