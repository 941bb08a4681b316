package dev.crossgate.policy.validation;

import dev.crossgate.policy.model.AllowedValues;
import dev.crossgate.policy.model.Gateway;
import dev.crossgate.policy.model.HttpRoute;
import dev.crossgate.policy.model.HttpRoute.BackendRef;
import dev.crossgate.policy.model.HttpRoute.Match;
import dev.crossgate.policy.model.HttpRoute.ValueMatch;
import dev.crossgate.policy.model.Resource;
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
  static final List<String> PATH_TYPES = AllowedValues.of(HttpRoute.PathMatch.class, "type");
  static final List<String> VALUE_TYPES = AllowedValues.of(HttpRoute.ValueMatch.class, "type");
  static final List<String> METHODS = AllowedValues.of(HttpRoute.Match.class, "method");
  static final int MAX_WEIGHT = 1_000_000;
  static final List<String> HTTP_PROTOCOLS = List.of("HTTP", "HTTPS");

  private final HttpRoute route;
  private final Resource owner;
  private final BundleIndex index;
  private final ProblemList problems;
  private final String namespace;

  private HttpRouteRules(HttpRoute route, BundleIndex index, ProblemList problems) {
    this(route, route, index, problems);
  }

  private HttpRouteRules(HttpRoute route, Resource owner, BundleIndex index, ProblemList problems) {
    this.route = route;
    this.owner = owner;
    this.index = index;
    this.problems = problems;
    this.namespace = owner.metadata().namespace();
  }

  /** The shared checks (parents, matches, backends) for another route kind. */
  static HttpRouteRules forRoute(Resource owner, BundleIndex index, ProblemList problems) {
    return new HttpRouteRules(null, owner, index, problems);
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
            owner,
            "spec.hostnames[" + i + "]",
            hostname,
            "a hostname like shop.example.com or *.example.com, without port");
      }
    }
    for (int i = 0; i < spec.parentRefs().size(); i++) {
      checkParentRef(spec.parentRefs().get(i), "spec.parentRefs[" + i + "]", HTTP_PROTOCOLS);
    }
    if (spec.rules().isEmpty()) {
      problems.expected(owner, "spec.rules", spec.rules(), "at least one rule");
    }
    for (int i = 0; i < spec.rules().size(); i++) {
      HttpRoute.Rule rule = spec.rules().get(i);
      String path = "spec.rules[" + i + "]";
      if (rule == null) {
        problems.expected(owner, path, null, "a rule");
        continue;
      }
      for (int j = 0; j < rule.matches().size(); j++) {
        checkMatch(rule.matches().get(j), path + ".matches[" + j + "]");
      }
      new FilterRules(route, rule, path, FilterRules.TYPES, this, problems).check();
      checkTimeoutsAndRetry(rule, path);
      checkWeightedBackends(rule.backendRefs(), path, !FilterRules.hasRedirect(rule),
          "at least one backendRef with weight > 0, or a RequestRedirect filter");
    }
  }

  private void checkTimeoutsAndRetry(HttpRoute.Rule rule, String path) {
    FieldChecks checks = new FieldChecks(route, problems);
    HttpRoute.Timeouts timeouts = rule.timeouts();
    if (timeouts != null) {
      checks.positive(path + ".timeouts.request", timeouts.request(), 0, null);
      checks.positive(path + ".timeouts.backendRequest", timeouts.backendRequest(), 0, null);
      if (timeouts.request() != null
          && timeouts.backendRequest() != null
          && timeouts.backendRequest().compareTo(timeouts.request()) > 0) {
        checks.expected(
            path + ".timeouts.backendRequest",
            timeouts.backendRequest(),
            "at most timeouts.request (" + timeouts.request() + ")");
      }
    }
    HttpRoute.Retry retry = rule.retry();
    if (retry != null) {
      for (int i = 0; i < retry.codes().size(); i++) {
        checks.range(path + ".retry.codes[" + i + "]", retry.codes().get(i), 400, 599);
      }
      checks.unique(path + ".retry.codes", retry.codes());
      checks.range(path + ".retry.attempts", retry.attempts(), 0, 10);
      checks.positive(path + ".retry.backoff", retry.backoff(), 0, null);
    }
  }

  /** Checks a parent reference; {@code protocols} are the listener protocols it may attach to. */
  void checkParentRef(HttpRoute.ParentRef ref, String path, List<String> protocols) {
    if (ref == null) {
      problems.expected(owner, path, null, "a parent reference");
      return;
    }
    String gatewayNamespace = ref.namespace() == null ? namespace : ref.namespace();
    if (ref.name() == null) {
      problems.expected(owner, path + ".name", null, "the name of a Gateway");
      return;
    }
    if (ref.kind() != null && !"Gateway".equals(ref.kind())) {
      checkServiceParent(ref, path, gatewayNamespace, protocols);
      return;
    }
    Optional<Gateway> gateway = index.gateway(gatewayNamespace, ref.name());
    if (gateway.isEmpty()) {
      checkParentRef(ref, path);
      return;
    }
    List<Gateway.Listener> listeners = gateway.get().spec() == null
        ? List.of() : gateway.get().spec().listeners();
    List<String> compatible = listeners.stream()
        .filter(l -> l != null && l.name() != null && protocols.contains(l.protocol()))
        .map(Gateway.Listener::name)
        .toList();
    if (ref.sectionName() == null) {
      if (compatible.isEmpty() && !listeners.isEmpty()) {
        problems.expected(owner, path + ".name", ref.name(),
            "a Gateway with a " + String.join(" or ", protocols) + " listener for " + owner.kind()
                + "; " + gateway.get().metadata().qualifiedName() + " has none");
      }
      return;
    }
    Optional<Gateway.Listener> listener = listeners.stream()
        .filter(l -> l != null && ref.sectionName().equals(l.name())).findFirst();
    if (listener.isEmpty()) {
      checkParentRef(ref, path);
    } else if (!protocols.contains(listener.get().protocol())) {
      problems.expected(owner, path + ".sectionName", ref.sectionName(),
          "a " + String.join(" or ", protocols) + " listener for " + owner.kind() + ", but it is "
              + listener.get().protocol()
              + (compatible.isEmpty() ? "" : "; compatible: " + String.join(", ", compatible)));
    }
  }

  /** A mesh route's parent: an existing Service, without a listener; HTTP and gRPC only. */
  private void checkServiceParent(HttpRoute.ParentRef ref, String path, String serviceNamespace,
      List<String> protocols) {
    if (!ref.service()) {
      problems.expected(owner, path + ".kind", ref.kind(), "Gateway or Service");
      return;
    }
    if (!protocols.containsAll(HTTP_PROTOCOLS)) {
      problems.expected(owner, path + ".kind", ref.kind(),
          "Gateway (a " + owner.kind() + " attaches to gateway listeners only)");
      return;
    }
    if (ref.sectionName() != null) {
      problems.expected(owner, path + ".sectionName", ref.sectionName(),
          "none for a Service parent (a Service has no listeners)");
    }
    if (index.service(serviceNamespace, ref.name()).isEmpty()) {
      problems.expected(owner, path + ".name", ref.name(),
          "an existing Service in namespace " + serviceNamespace);
    }
  }

  private void checkParentRef(HttpRoute.ParentRef ref, String path) {
    if (ref == null) {
      problems.expected(owner, path, null, "a parent reference");
      return;
    }
    String gatewayNamespace = ref.namespace() == null ? namespace : ref.namespace();
    if (ref.name() == null) {
      problems.expected(owner, path + ".name", null, "the name of a Gateway");
      return;
    }
    Optional<Gateway> gateway = index.gateway(gatewayNamespace, ref.name());
    if (gateway.isEmpty()) {
      problems.expected(
          owner,
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
          owner,
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
      problems.expected(owner, path, null, "a match");
      return;
    }
    HttpRoute.PathMatch pathMatch = match.path();
    if (pathMatch != null) {
      String type = pathType(pathMatch);
      String value = pathValue(pathMatch);
      if (!PATH_TYPES.contains(type)) {
        problems.expected(
            owner,
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
          owner,
          path + ".method",
          match.method(),
          "one of " + String.join(", ", METHODS) + NameSuggestions.hint(match.method(), METHODS));
    }
  }

  /** Checks an absolute path as used by Exact and PathPrefix matches and path modifiers. */
  void checkPath(String value, String path) {
    if (value.isEmpty() || value.charAt(0) != '/') {
      problems.expected(owner, path, value, "an absolute path starting with /");
    } else if (value.indexOf('?') >= 0 || value.indexOf('#') >= 0) {
      problems.expected(owner, path, value, "a path without query (?) or fragment (#)");
    } else if (value.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
      problems.expected(owner, path, value, "a path without spaces or control characters");
    }
  }

  void checkRegex(String value, String path) {
    try {
      Pattern.compile(value);
    } catch (PatternSyntaxException e) {
      problems.expected(
          owner,
          path,
          value,
          "a java.util.regex pattern; " + e.getDescription() + " near index " + e.getIndex());
    }
  }

  void checkValueMatches(List<ValueMatch> matches, String path, boolean header) {
    Map<String, Integer> names = new HashMap<>();
    for (int i = 0; i < matches.size(); i++) {
      ValueMatch match = matches.get(i);
      String itemPath = path + "[" + i + "]";
      if (match == null) {
        problems.expected(owner, itemPath, null, header ? "a header match" : "a query match");
        continue;
      }
      String type = valueType(match);
      if (!VALUE_TYPES.contains(type)) {
        problems.expected(
            owner,
            itemPath + ".type",
            type,
            "one of Exact, RegularExpression" + NameSuggestions.hint(type, VALUE_TYPES));
      }
      String name = match.name();
      if (header ? !NameSyntax.isToken(name) : name == null || !isQueryName(name)) {
        problems.expected(
            owner,
            itemPath + ".name",
            name,
            header ? "a header name (an HTTP token)" : "a query parameter name");
      } else {
        String key = header ? name.toLowerCase(Locale.ROOT) : name;
        Integer first = names.putIfAbsent(key, i);
        if (first != null) {
          problems.expected(
              owner,
              itemPath + ".name",
              name,
              "a name not matched twice in one match; also in " + path + "[" + first + "]");
        }
      }
      if (match.value() == null) {
        problems.expected(owner, itemPath + ".value", null, "a string");
      } else if (REGULAR_EXPRESSION.equals(type)) {
        checkRegex(match.value(), itemPath + ".value");
      }
    }
  }

  private static boolean isQueryName(String name) {
    return !name.isEmpty() && name.chars().noneMatch(c -> c <= ' ' || "&=#?".indexOf(c) >= 0);
  }

  /** Checks a backend reference: the service exists and the weight is in range. */
  /**
   * Checks every backendRef of a rule at {@code rulePath} and, when {@code required}, that at
   * least one carries weight. Shared by HTTPRoute, GRPCRoute and TCPRoute rules.
   */
  void checkWeightedBackends(List<BackendRef> refs, String rulePath, boolean required,
      String expected) {
    boolean anyWeight = false;
    for (int j = 0; j < refs.size(); j++) {
      BackendRef ref = refs.get(j);
      checkBackendRef(ref, rulePath + ".backendRefs[" + j + "]", true);
      anyWeight |= ref != null && (ref.weight() == null || ref.weight() > 0);
    }
    if (required && !anyWeight) {
      problems.expected(owner, rulePath + ".backendRefs",
          refs.isEmpty() ? refs : "all weights 0", expected);
    }
  }

  void checkBackendRef(BackendRef ref, String path, boolean weighted) {
    if (ref == null) {
      problems.expected(owner, path, null, "a backend reference");
      return;
    }
    String serviceNamespace = ref.namespace() == null ? namespace : ref.namespace();
    if (ref.name() == null) {
      problems.expected(owner, path + ".name", null, "the name of a Service");
    } else if (index.service(serviceNamespace, ref.name()).isEmpty()) {
      problems.expected(
          owner,
          path + ".name",
          ref.name(),
          "an existing Service in namespace "
              + serviceNamespace
              + "; known: "
              + index.serviceNames(serviceNamespace));
    }
    if (ref.port() != null && (ref.port() < 1 || ref.port() > 65535)) {
      problems.expected(owner, path + ".port", ref.port(), "1..65535");
    }
    if (weighted && ref.weight() != null && (ref.weight() < 0 || ref.weight() > MAX_WEIGHT)) {
      problems.expected(owner, path + ".weight", ref.weight(), "0.." + MAX_WEIGHT);
    }
  }
}
