package dev.crossgate.policy.validation;

import dev.crossgate.policy.model.HttpRoute;
import dev.crossgate.policy.model.HttpRoute.Filter;
import dev.crossgate.policy.model.HttpRoute.HeaderModifier;
import dev.crossgate.policy.model.HttpRoute.PathModifier;
import dev.crossgate.policy.model.Resource;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Checks the filters of one {@code HTTPRoute} rule. */
final class FilterRules {

  static final String REQUEST_HEADER_MODIFIER = "RequestHeaderModifier";
  static final String RESPONSE_HEADER_MODIFIER = "ResponseHeaderModifier";
  static final String URL_REWRITE = "URLRewrite";
  static final String REQUEST_REDIRECT = "RequestRedirect";
  static final String REQUEST_MIRROR = "RequestMirror";
  static final String CORS = "CORS";
  static final String SECURITY_HEADERS = "SecurityHeaders";
  private static final List<String> FRAME_OPTIONS = List.of("DENY", "SAMEORIGIN");
  private static final List<String> REFERRER_POLICIES = List.of("no-referrer",
      "no-referrer-when-downgrade", "origin", "origin-when-cross-origin", "same-origin",
      "strict-origin", "strict-origin-when-cross-origin", "unsafe-url");

  /** Filter type → the config field it requires. */
  static final Map<String, String> CONFIG_FIELDS = new LinkedHashMap<>();

  static {
    CONFIG_FIELDS.put(REQUEST_HEADER_MODIFIER, "requestHeaderModifier");
    CONFIG_FIELDS.put(RESPONSE_HEADER_MODIFIER, "responseHeaderModifier");
    CONFIG_FIELDS.put(URL_REWRITE, "urlRewrite");
    CONFIG_FIELDS.put(REQUEST_REDIRECT, "requestRedirect");
    CONFIG_FIELDS.put(REQUEST_MIRROR, "requestMirror");
    CONFIG_FIELDS.put(CORS, "cors");
    CONFIG_FIELDS.put(SECURITY_HEADERS, "securityHeaders");
  }

  static final List<String> TYPES = List.copyOf(CONFIG_FIELDS.keySet());
  private static final List<String> PATH_MODIFIER_TYPES =
      List.of("ReplaceFullPath", "ReplacePrefixMatch");

  private final Resource route;
  private final HttpRoute.Rule rule;
  private final List<String> types;
  private final String rulePath;
  private final HttpRouteRules routeRules;
  private final ProblemList problems;

  FilterRules(
      Resource route,
      HttpRoute.Rule rule,
      String rulePath,
      List<String> types,
      HttpRouteRules routeRules,
      ProblemList problems) {
    this.route = route;
    this.rule = rule;
    this.types = types;
    this.rulePath = rulePath;
    this.routeRules = routeRules;
    this.problems = problems;
  }

  static boolean hasRedirect(HttpRoute.Rule rule) {
    return rule.filters().stream()
        .anyMatch(f -> f != null && REQUEST_REDIRECT.equals(f.type()));
  }

  void check() {
    Map<String, Integer> firstOfType = new HashMap<>();
    for (int i = 0; i < rule.filters().size(); i++) {
      Filter filter = rule.filters().get(i);
      String path = rulePath + ".filters[" + i + "]";
      if (filter == null) {
        problems.expected(route, path, null, "a filter");
        continue;
      }
      String type = filter.type();
      if (type == null || !types.contains(type)) {
        problems.expected(
            route,
            path + ".type",
            type,
            "one of " + String.join(", ", types) + NameSuggestions.hint(type, types));
        continue;
      }
      Integer first = firstOfType.putIfAbsent(type, i);
      if (first != null && !REQUEST_MIRROR.equals(type)) {
        problems.expected(
            route,
            path + ".type",
            type,
            "at most one " + type + " filter per rule; also " + rulePath + ".filters[" + first + "]");
      }
      String conflicting = type.equals(URL_REWRITE) ? REQUEST_REDIRECT : URL_REWRITE;
      if ((type.equals(URL_REWRITE) || type.equals(REQUEST_REDIRECT))
          && firstOfType.containsKey(conflicting)) {
        problems.expected(
            route,
            path + ".type",
            type,
            "URLRewrite and RequestRedirect not in the same rule; "
                + conflicting
                + " is "
                + rulePath
                + ".filters["
                + firstOfType.get(conflicting)
                + "]");
      }
      checkConfigFields(filter, type, path);
      switch (type) {
        case REQUEST_HEADER_MODIFIER ->
            checkHeaderModifier(filter.requestHeaderModifier(), path + ".requestHeaderModifier");
        case RESPONSE_HEADER_MODIFIER ->
            checkHeaderModifier(filter.responseHeaderModifier(), path + ".responseHeaderModifier");
        case URL_REWRITE -> checkUrlRewrite(filter.urlRewrite(), path + ".urlRewrite");
        case REQUEST_REDIRECT ->
            checkRedirect(filter.requestRedirect(), path + ".requestRedirect");
        case CORS -> new CorsRules(route, problems).check(filter.cors(), path + ".cors");
        case SECURITY_HEADERS ->
            checkSecurityHeaders(filter.securityHeaders(), path + ".securityHeaders");
        default -> checkMirror(filter.requestMirror(), path + ".requestMirror");
      }
    }
  }

  private void checkConfigFields(Filter filter, String type, String path) {
    Map<String, Object> configs = new LinkedHashMap<>();
    configs.put("requestHeaderModifier", filter.requestHeaderModifier());
    configs.put("responseHeaderModifier", filter.responseHeaderModifier());
    configs.put("urlRewrite", filter.urlRewrite());
    configs.put("requestRedirect", filter.requestRedirect());
    configs.put("requestMirror", filter.requestMirror());
    configs.put("cors", filter.cors());
    configs.put("securityHeaders", filter.securityHeaders());
    String wanted = CONFIG_FIELDS.get(type);
    for (Map.Entry<String, Object> config : configs.entrySet()) {
      boolean set = config.getValue() != null;
      if (config.getKey().equals(wanted) && !set) {
        problems.expected(route, path + "." + wanted, null, "set for type " + type);
      } else if (!config.getKey().equals(wanted) && set) {
        problems.add(
            route,
            path + "." + config.getKey(),
            "set (expected: only `" + wanted + "` for type " + type + ")");
      }
    }
  }

  private void checkHeaderModifier(HeaderModifier modifier, String path) {
    if (modifier == null) {
      return;
    }
    Map<String, String> seen = new HashMap<>();
    checkHeaders(modifier.set(), path + ".set", seen);
    checkHeaders(modifier.add(), path + ".add", seen);
    for (int i = 0; i < modifier.remove().size(); i++) {
      checkHeaderName(modifier.remove().get(i), path + ".remove[" + i + "]", seen);
    }
    if (modifier.set().isEmpty() && modifier.add().isEmpty() && modifier.remove().isEmpty()) {
      problems.add(route, path, "empty (expected: at least one of set, add or remove)");
    }
  }

  private void checkHeaders(List<HttpRoute.Header> headers, String path, Map<String, String> seen) {
    for (int i = 0; i < headers.size(); i++) {
      HttpRoute.Header header = headers.get(i);
      String itemPath = path + "[" + i + "]";
      if (header == null) {
        problems.expected(route, itemPath, null, "a header with name and value");
        continue;
      }
      checkHeaderName(header.name(), itemPath + ".name", seen);
      if (header.value() == null) {
        problems.expected(route, itemPath + ".value", null, "a string");
      } else if (header.value().indexOf('\r') >= 0 || header.value().indexOf('\n') >= 0) {
        problems.expected(
            route, itemPath + ".value", header.value(), "a value without CR or LF");
      }
    }
  }

  private void checkHeaderName(String name, String path, Map<String, String> seen) {
    if (!NameSyntax.isToken(name)) {
      problems.expected(route, path, name, "a header name (an HTTP token)");
      return;
    }
    String first = seen.putIfAbsent(name.toLowerCase(Locale.ROOT), path);
    if (first != null) {
      problems.expected(
          route, path, name, "each header named once per modifier; also at " + first);
    }
  }

  private void checkUrlRewrite(HttpRoute.UrlRewrite rewrite, String path) {
    if (rewrite == null) {
      return;
    }
    if (rewrite.hostname() != null && !NameSyntax.isHostname(rewrite.hostname())) {
      problems.expected(
          route, path + ".hostname", rewrite.hostname(), "a hostname without wildcard or port");
    }
    if (rewrite.hostname() == null && rewrite.path() == null) {
      problems.add(route, path, "empty (expected: hostname, path or both)");
    }
    checkPathModifier(rewrite.path(), path + ".path");
  }

  private void checkRedirect(HttpRoute.RequestRedirect redirect, String path) {
    if (redirect == null) {
      return;
    }
    if (redirect.scheme() != null && !List.of("http", "https").contains(redirect.scheme())) {
      problems.expected(route, path + ".scheme", redirect.scheme(), "http or https");
    }
    if (redirect.hostname() != null && !NameSyntax.isHostname(redirect.hostname())) {
      problems.expected(
          route, path + ".hostname", redirect.hostname(), "a hostname without wildcard or port");
    }
    if (redirect.port() != null && (redirect.port() < 1 || redirect.port() > 65535)) {
      problems.expected(route, path + ".port", redirect.port(), "1..65535");
    }
    if (redirect.statusCode() != null
        && redirect.statusCode() != 301
        && redirect.statusCode() != 302) {
      problems.expected(route, path + ".statusCode", redirect.statusCode(), "301 or 302");
    }
    checkPathModifier(redirect.path(), path + ".path");
  }

  private void checkSecurityHeaders(HttpRoute.SecurityHeaders headers, String path) {
    if (headers == null) {
      return;
    }
    if (headers.frameOptions() != null && !FRAME_OPTIONS.contains(headers.frameOptions())) {
      problems.expected(route, path + ".frameOptions", headers.frameOptions(),
          "DENY or SAMEORIGIN" + NameSuggestions.hint(headers.frameOptions(), FRAME_OPTIONS));
    }
    if (headers.referrerPolicy() != null
        && !REFERRER_POLICIES.contains(headers.referrerPolicy())) {
      problems.expected(route, path + ".referrerPolicy", headers.referrerPolicy(),
          "one of " + String.join(", ", REFERRER_POLICIES)
              + NameSuggestions.hint(headers.referrerPolicy(), REFERRER_POLICIES));
    }
  }

  private void checkMirror(HttpRoute.RequestMirror mirror, String path) {
    if (mirror == null) {
      return;
    }
    if (mirror.backendRef() == null) {
      problems.expected(route, path + ".backendRef", null, "a reference to a Service");
    } else {
      routeRules.checkBackendRef(mirror.backendRef(), path + ".backendRef", false);
    }
    if (mirror.percent() != null && (mirror.percent() < 0 || mirror.percent() > 100)) {
      problems.expected(route, path + ".percent", mirror.percent(), "0..100");
    }
  }

  private void checkPathModifier(PathModifier modifier, String path) {
    if (modifier == null) {
      return;
    }
    String type = modifier.type();
    if (type == null || !PATH_MODIFIER_TYPES.contains(type)) {
      problems.expected(
          route,
          path + ".type",
          type,
          "ReplaceFullPath or ReplacePrefixMatch" + NameSuggestions.hint(type, PATH_MODIFIER_TYPES));
      return;
    }
    boolean fullPath = type.equals("ReplaceFullPath");
    String wanted = fullPath ? "replaceFullPath" : "replacePrefixMatch";
    String other = fullPath ? "replacePrefixMatch" : "replaceFullPath";
    String value = fullPath ? modifier.replaceFullPath() : modifier.replacePrefixMatch();
    String otherValue = fullPath ? modifier.replacePrefixMatch() : modifier.replaceFullPath();
    if (value == null) {
      problems.expected(route, path + "." + wanted, null, "set for type " + type);
    } else {
      routeRules.checkPath(value, path + "." + wanted);
    }
    if (otherValue != null) {
      problems.add(
          route, path + "." + other, "set (expected: only `" + wanted + "` for type " + type + ")");
    }
    if (!fullPath) {
      checkEveryMatchIsPrefix(path + ".type");
    }
  }

  private void checkEveryMatchIsPrefix(String path) {
    for (int i = 0; i < rule.matches().size(); i++) {
      HttpRoute.Match match = rule.matches().get(i);
      String matchType = match == null ? null : HttpRouteRules.pathType(match.path());
      if (match != null && !HttpRouteRules.PATH_PREFIX.equals(matchType)) {
        problems.add(
            route,
            path,
            "ReplacePrefixMatch (expected: only in rules whose matches are all PathPrefix; "
                + rulePath
                + ".matches["
                + i
                + "].path.type is "
                + matchType
                + ")");
        return;
      }
    }
  }
}
