package dev.crossgate.policy.validation;

import dev.crossgate.policy.model.Gateway;
import dev.crossgate.policy.model.HttpRoute;
import dev.crossgate.policy.model.HttpRoute.BackendRef;
import dev.crossgate.policy.model.HttpRoute.Match;
import dev.crossgate.policy.model.HttpRoute.ValueMatch;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Checks an {@code HTTPRoute}: hostnames, parent gateways, matches and backends. */
final class HttpRouteRules {

  static final String EXACT = "Exact";
  static final String PATH_PREFIX = "PathPrefix";
  static final String REGULAR_EXPRESSION = "RegularExpression";
  static final List<String> PATH_TYPES = List.of(EXACT, PATH_PREFIX, REGULAR_EXPRESSION);
  static final List<String> VALUE_TYPES = List.of(EXACT, REGULAR_EXPRESSION);
  static final List<String> METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
  static final int MAX_WEIGHT = 1_000_000;

  private final HttpRoute route;
  private final BundleIndex index;
  private final ProblemList problems;
  private final String namespace;

  private HttpRouteRules(HttpRoute route, BundleIndex index, ProblemList problems) {
    this.route = route;
    this.index = index;
    this.problems = problems;
    this.namespace = route.metadata().namespace();
  }

  static void check(HttpRoute route, BundleIndex index, ProblemList problems) {
    if (route.metadata() == null) {
      return; // reported by MetadataRules
    }
    if (route.spec() == null) {
      problems.expected(route, "spec", null, "a mapping with rules");
      return;
    }
    new HttpRouteRules(route, index, problems).check();
  }

  /** The path type with its default applied. */
  static String pathType(HttpRoute.PathMatch path) {
    return path == null || path.type() == null ? PATH_PREFIX : path.type();
  }

  /** The path value with its default applied. */
  static String pathValue(HttpRoute.PathMatch path) {
    return path == null || path.value() == null ? "/" : path.value();
  }

  /** The value-match type with its default applied. */
  static String valueType(ValueMatch match) {
    return match.type() == null ? EXACT : match.type();
  }

  private void check() {
    HttpRoute.Spec spec = route.spec();
    for (int i = 0; i < spec.hostnames().size(); i++) {
      String hostname = spec.hostnames().get(i);
      if (!NameSyntax.isHostnameOrWildcard(hostname)) {
        problems.expected(
            route,
            "spec.hostnames[" + i + "]",
            hostname,
            "a hostname like shop.example.com or *.example.com, without port");
      }
    }
    for (int i = 0; i < spec.parentRefs().size(); i++) {
      checkParentRef(spec.parentRefs().get(i), "spec.parentRefs[" + i + "]");
    }
    if (spec.rules().isEmpty()) {
      problems.expected(route, "spec.rules", spec.rules(), "at least one rule");
    }
    for (int i = 0; i < spec.rules().size(); i++) {
      HttpRoute.Rule rule = spec.rules().get(i);
      String path = "spec.rules[" + i + "]";
      if (rule == null) {
        problems.expected(route, path, null, "a rule");
        continue;
      }
      for (int j = 0; j < rule.matches().size(); j++) {
        checkMatch(rule.matches().get(j), path + ".matches[" + j + "]");
      }
      new FilterRules(route, rule, path, this, problems).check();
      boolean anyWeight = false;
      for (int j = 0; j < rule.backendRefs().size(); j++) {
        BackendRef ref = rule.backendRefs().get(j);
        checkBackendRef(ref, path + ".backendRefs[" + j + "]", true);
        anyWeight |= ref != null && (ref.weight() == null || ref.weight() > 0);
      }
      if (!anyWeight && !FilterRules.hasRedirect(rule)) {
        problems.expected(
            route,
            path + ".backendRefs",
            rule.backendRefs().isEmpty() ? rule.backendRefs() : "all weights 0",
            "at least one backendRef with weight > 0, or a RequestRedirect filter");
      }
    }
  }

  private void checkParentRef(HttpRoute.ParentRef ref, String path) {
    if (ref == null) {
      problems.expected(route, path, null, "a parent reference");
      return;
    }
    String gatewayNamespace = ref.namespace() == null ? namespace : ref.namespace();
    if (ref.name() == null) {
      problems.expected(route, path + ".name", null, "the name of a Gateway");
      return;
    }
    Optional<Gateway> gateway = index.gateway(gatewayNamespace, ref.name());
    if (gateway.isEmpty()) {
      problems.expected(
          route,
          path + ".name",
          ref.name(),
          "an existing Gateway in namespace "
              + gatewayNamespace
              + "; known: "
              + index.gatewayNames(gatewayNamespace));
      return;
    }
    List<String> listeners = BundleIndex.listenerNames(gateway.get());
    if (ref.sectionName() != null && !listeners.contains(ref.sectionName())) {
      problems.expected(
          route,
          path + ".sectionName",
          ref.sectionName(),
          "a listener of Gateway "
              + gateway.get().metadata().qualifiedName()
              + "; known: "
              + (listeners.isEmpty() ? "none" : String.join(", ", listeners))
              + NameSuggestions.hint(ref.sectionName(), listeners));
    }
  }

  private void checkMatch(Match match, String path) {
    if (match == null) {
      problems.expected(route, path, null, "a match");
      return;
    }
    HttpRoute.PathMatch pathMatch = match.path();
    if (pathMatch != null) {
      String type = pathType(pathMatch);
      String value = pathValue(pathMatch);
      if (!PATH_TYPES.contains(type)) {
        problems.expected(
            route,
            path + ".path.type",
            type,
            "one of " + String.join(", ", PATH_TYPES) + NameSuggestions.hint(type, PATH_TYPES));
      } else if (type.equals(REGULAR_EXPRESSION)) {
        checkRegex(value, path + ".path.value");
      } else {
        checkPath(value, path + ".path.value");
      }
    }
    checkValueMatches(match.headers(), path + ".headers", true);
    checkValueMatches(match.queryParams(), path + ".queryParams", false);
    if (match.method() != null && !METHODS.contains(match.method())) {
      problems.expected(
          route,
          path + ".method",
          match.method(),
          "one of " + String.join(", ", METHODS) + NameSuggestions.hint(match.method(), METHODS));
    }
  }

  /** Checks an absolute path as used by Exact and PathPrefix matches and path modifiers. */
  void checkPath(String value, String path) {
    if (value.isEmpty() || value.charAt(0) != '/') {
      problems.expected(route, path, value, "an absolute path starting with /");
    } else if (value.indexOf('?') >= 0 || value.indexOf('#') >= 0) {
      problems.expected(route, path, value, "a path without query (?) or fragment (#)");
    } else if (value.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
      problems.expected(route, path, value, "a path without spaces or control characters");
    }
  }

  private void checkRegex(String value, String path) {
    try {
      Pattern.compile(value);
    } catch (PatternSyntaxException e) {
      problems.expected(
          route,
          path,
          value,
          "a java.util.regex pattern; " + e.getDescription() + " near index " + e.getIndex());
    }
  }

  private void checkValueMatches(List<ValueMatch> matches, String path, boolean header) {
    Map<String, Integer> names = new HashMap<>();
    for (int i = 0; i < matches.size(); i++) {
      ValueMatch match = matches.get(i);
      String itemPath = path + "[" + i + "]";
      if (match == null) {
        problems.expected(route, itemPath, null, header ? "a header match" : "a query match");
        continue;
      }
      String type = valueType(match);
      if (!VALUE_TYPES.contains(type)) {
        problems.expected(
            route,
            itemPath + ".type",
            type,
            "one of Exact, RegularExpression" + NameSuggestions.hint(type, VALUE_TYPES));
      }
      String name = match.name();
      if (header ? !NameSyntax.isToken(name) : name == null || !isQueryName(name)) {
        problems.expected(
            route,
            itemPath + ".name",
            name,
            header ? "a header name (an HTTP token)" : "a query parameter name");
      } else {
        String key = header ? name.toLowerCase(Locale.ROOT) : name;
        Integer first = names.putIfAbsent(key, i);
        if (first != null) {
          problems.expected(
              route,
              itemPath + ".name",
              name,
              "a name not matched twice in one match; also in " + path + "[" + first + "]");
        }
      }
      if (match.value() == null) {
        problems.expected(route, itemPath + ".value", null, "a string");
      } else if (REGULAR_EXPRESSION.equals(type)) {
        checkRegex(match.value(), itemPath + ".value");
      }
    }
  }

  private static boolean isQueryName(String name) {
    return !name.isEmpty() && name.chars().noneMatch(c -> c <= ' ' || "&=#?".indexOf(c) >= 0);
  }

  /** Checks a backend reference: the service exists and the weight is in range. */
  void checkBackendRef(BackendRef ref, String path, boolean weighted) {
    if (ref == null) {
      problems.expected(route, path, null, "a backend reference");
      return;
    }
    String serviceNamespace = ref.namespace() == null ? namespace : ref.namespace();
    if (ref.name() == null) {
      problems.expected(route, path + ".name", null, "the name of a Service");
    } else if (index.service(serviceNamespace, ref.name()).isEmpty()) {
      problems.expected(
          route,
          path + ".name",
          ref.name(),
          "an existing Service in namespace "
              + serviceNamespace
              + "; known: "
              + index.serviceNames(serviceNamespace));
    }
    if (ref.port() != null && (ref.port() < 1 || ref.port() > 65535)) {
      problems.expected(route, path + ".port", ref.port(), "1..65535");
    }
    if (weighted && ref.weight() != null && (ref.weight() < 0 || ref.weight() > MAX_WEIGHT)) {
      problems.expected(route, path + ".weight", ref.weight(), "0.." + MAX_WEIGHT);
    }
  }
}
