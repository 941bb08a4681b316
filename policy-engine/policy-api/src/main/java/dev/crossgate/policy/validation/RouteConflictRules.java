package dev.crossgate.policy.validation;

import dev.crossgate.policy.model.Gateway;
import dev.crossgate.policy.model.HttpRoute;
import dev.crossgate.policy.model.HttpRoute.ValueMatch;
import dev.crossgate.policy.model.PolicyBundle;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds route matches that select exactly the same requests on the same gateway listener, within
 * one route or across routes. Defaults are applied first: no matches means {@code PathPrefix /},
 * an empty hostname list means every host.
 */
final class RouteConflictRules {

  private static final String ANY = "*";

  private RouteConflictRules() {}

  /** What a match selects, with defaults applied and order removed. */
  private record MatchKey(
      String pathType,
      String pathValue,
      String method,
      Set<List<String>> headers,
      Set<List<String>> queryParams) {

    String describe() {
      StringBuilder out = new StringBuilder(pathType).append(' ').append(pathValue);
      if (!method.isEmpty()) {
        out.append(", method ").append(method);
      }
      if (!headers.isEmpty()) {
        out.append(", ").append(headers.size()).append(" header match(es)");
      }
      if (!queryParams.isEmpty()) {
        out.append(", ").append(queryParams.size()).append(" query match(es)");
      }
      return out.toString();
    }
  }

  private record Occurrence(
      HttpRoute route, String path, MatchKey key, Set<String> hosts, Set<String> listeners) {}

  static void check(PolicyBundle bundle, BundleIndex index, ProblemList problems) {
    Map<MatchKey, List<Occurrence>> byKey = new LinkedHashMap<>();
    for (HttpRoute route : bundle.ofKind(HttpRoute.class)) {
      if (route.metadata() == null || route.spec() == null) {
        continue;
      }
      Set<String> listeners = attachedListeners(route, index);
      Set<String> hosts = new HashSet<>();
      for (String hostname : route.spec().hostnames()) {
        if (hostname != null) {
          hosts.add(hostname.toLowerCase(Locale.ROOT));
        }
      }
      if (hosts.isEmpty()) {
        hosts.add(ANY);
      }
      List<HttpRoute.Rule> rules = route.spec().rules();
      for (int i = 0; i < rules.size(); i++) {
        HttpRoute.Rule rule = rules.get(i);
        if (rule == null) {
          continue;
        }
        String rulePath = "spec.rules[" + i + "]";
        if (rule.matches().isEmpty()) {
          byKey
              .computeIfAbsent(keyOf(null), k -> new ArrayList<>())
              .add(new Occurrence(route, rulePath, keyOf(null), hosts, listeners));
        }
        for (int j = 0; j < rule.matches().size(); j++) {
          HttpRoute.Match match = rule.matches().get(j);
          if (match == null) {
            continue;
          }
          MatchKey key = keyOf(match);
          byKey
              .computeIfAbsent(key, k -> new ArrayList<>())
              .add(new Occurrence(route, rulePath + ".matches[" + j + "]", key, hosts, listeners));
        }
      }
    }
    for (List<Occurrence> same : byKey.values()) {
      for (int later = 1; later < same.size(); later++) {
        for (int earlier = 0; earlier < later; earlier++) {
          if (report(same.get(earlier), same.get(later), problems)) {
            break;
          }
        }
      }
    }
  }

  /**
   * The paths (type and value, compared as conflicts compare them) that a route's matches select:
   * two routes that share none of them cannot conflict.
   */
  static Set<String> pathKeys(HttpRoute route) {
    Set<String> keys = new HashSet<>();
    if (route.spec() == null) {
      return keys;
    }
    for (HttpRoute.Rule rule : route.spec().rules()) {
      if (rule == null) {
        continue;
      }
      if (rule.matches().isEmpty()) {
        keys.add(pathKey(null));
      }
      for (HttpRoute.Match match : rule.matches()) {
        if (match != null) {
          keys.add(pathKey(match.path()));
        }
      }
    }
    return keys;
  }

  /**
   * Whether {@code route} matches one of {@code pathKeys} (from {@link #pathKeys}); allocates
   * nothing for a route whose path values differ from theirs, the usual case.
   *
   * @param values every path value in {@code pathKeys}, also with a trailing {@code /}
   */
  static boolean sharesPath(HttpRoute route, Set<String> pathKeys, Set<String> values) {
    if (route.spec() == null) {
      return false;
    }
    for (HttpRoute.Rule rule : route.spec().rules()) {
      if (rule == null) {
        continue;
      }
      if (rule.matches().isEmpty() && pathKeys.contains(pathKey(null))) {
        return true;
      }
      for (HttpRoute.Match match : rule.matches()) {
        if (match != null && values.contains(HttpRouteRules.pathValue(match.path()))
            && pathKeys.contains(pathKey(match.path()))) {
          return true;
        }
      }
    }
    return false;
  }

  /** The path type and value of a match as {@link #keyOf} normalizes them. */
  private static String pathKey(HttpRoute.PathMatch path) {
    String type = HttpRouteRules.pathType(path);
    String value = HttpRouteRules.pathValue(path);
    if (type.equals(HttpRouteRules.PATH_PREFIX) && value.length() > 1 && value.endsWith("/")) {
      value = value.substring(0, value.length() - 1);
    }
    return type + " " + value;
  }

  private static boolean report(Occurrence first, Occurrence second, ProblemList problems) {
    Set<String> hosts = new TreeSet<>(first.hosts());
    hosts.retainAll(second.hosts());
    Set<String> listeners = new TreeSet<>(first.listeners());
    listeners.retainAll(second.listeners());
    if (hosts.isEmpty() || listeners.isEmpty()) {
      return false;
    }
    String where = problems.locate(first.route(), first.path());
    problems.add(
        second.route(),
        second.path(),
        "conflicts with "
            + ProblemList.refOf(first.route())
            + " "
            + first.path()
            + (where == null ? "" : " (" + where + ")")
            + ": both match "
            + second.key().describe()
            + " for host "
            + String.join(", ", hosts)
            + " (expected: matches that differ in hostname, path, method, headers or query"
            + " parameters on the same gateway)");
    return true;
  }

  private static MatchKey keyOf(HttpRoute.Match match) {
    HttpRoute.PathMatch path = match == null ? null : match.path();
    String type = HttpRouteRules.pathType(path);
    String value = HttpRouteRules.pathValue(path);
    if (type.equals(HttpRouteRules.PATH_PREFIX) && value.length() > 1 && value.endsWith("/")) {
      value = value.substring(0, value.length() - 1);
    }
    if (match == null) {
      return new MatchKey(type, value, "", Set.of(), Set.of());
    }
    return new MatchKey(
        type,
        value,
        match.method() == null ? "" : match.method(),
        valueKeys(match.headers(), true),
        valueKeys(match.queryParams(), false));
  }

  private static Set<List<String>> valueKeys(List<ValueMatch> matches, boolean caseInsensitive) {
    Set<List<String>> keys = new HashSet<>();
    for (ValueMatch match : matches) {
      if (match == null || match.name() == null) {
        continue;
      }
      String name = caseInsensitive ? match.name().toLowerCase(Locale.ROOT) : match.name();
      keys.add(List.of(HttpRouteRules.valueType(match), name, Objects.toString(match.value())));
    }
    return keys;
  }

  /** {@code ns/gateway#listener} for every listener the route attaches to. */
  private static Set<String> attachedListeners(HttpRoute route, BundleIndex index) {
    Set<String> listeners = new HashSet<>();
    if (route.spec().parentRefs().isEmpty()) {
      for (Gateway gateway : index.gateways()) {
        addListeners(gateway, null, listeners);
      }
      if (index.gateways().isEmpty()) {
        listeners.add(ANY);
      }
      return listeners;
    }
    for (HttpRoute.ParentRef ref : route.spec().parentRefs()) {
      if (ref == null || ref.name() == null || ref.service()) {
        continue; // a mesh route's Service parent is not a gateway listener
      }
      String namespace = ref.namespace() == null ? route.metadata().namespace() : ref.namespace();
      index
          .gateway(namespace, ref.name())
          .ifPresent(gateway -> addListeners(gateway, ref.sectionName(), listeners));
    }
    return listeners;
  }

  private static void addListeners(Gateway gateway, String sectionName, Set<String> listeners) {
    String prefix = gateway.metadata().qualifiedName() + "#";
    List<String> names = BundleIndex.listenerNames(gateway);
    if (names.isEmpty()) {
      listeners.add(prefix);
    }
    for (String name : names) {
      if (sectionName == null || sectionName.equals(name)) {
        listeners.add(prefix + name);
      }
    }
  }
}
