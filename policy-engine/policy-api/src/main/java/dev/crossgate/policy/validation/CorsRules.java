package dev.crossgate.policy.validation;

import dev.crossgate.policy.model.HttpRoute;
import dev.crossgate.policy.model.Resource;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Checks one {@code CORS} filter: origins, methods, header names and max age. */
final class CorsRules {

  /** scheme://host[:port], the host a DNS name (optionally {@code *.}-prefixed) or an address. */
  private static final Pattern ORIGIN = Pattern.compile(
      "([a-zA-Z][a-zA-Z0-9+.-]*)://(\\*\\.)?([^:/?#\\s*]+)(:([0-9]{1,5}))?");

  private final Resource route;
  private final ProblemList problems;

  CorsRules(Resource route, ProblemList problems) {
    this.route = route;
    this.problems = problems;
  }

  void check(HttpRoute.Cors cors, String path) {
    if (cors == null) {
      return;
    }
    if (cors.allowOrigins().isEmpty()) {
      problems.expected(route, path + ".allowOrigins", null,
          "at least one origin (scheme://host[:port], `*.` host wildcards, or `*`)");
    }
    checkList(cors.allowOrigins(), path + ".allowOrigins", "origin", this::checkOrigin);
    checkList(cors.allowMethods(), path + ".allowMethods", "method", (value, itemPath) -> {
      if (!NameSyntax.isToken(value)) {
        problems.expected(route, itemPath, value, "an HTTP method (a token such as GET) or `*`");
      }
    });
    checkList(cors.allowHeaders(), path + ".allowHeaders", "header", this::checkHeader);
    checkList(cors.exposeHeaders(), path + ".exposeHeaders", "header", this::checkHeader);
    if (cors.maxAge() != null && cors.maxAge() < 1) {
      problems.expected(route, path + ".maxAge", cors.maxAge(), "seconds, at least 1");
    }
  }

  private interface ItemCheck {
    void check(String value, String path);
  }

  /** Nulls, duplicates, and {@code *} mixed with other entries; then {@code check} per item. */
  private void checkList(List<String> values, String path, String what, ItemCheck check) {
    Map<String, String> seen = new HashMap<>();
    for (int i = 0; i < values.size(); i++) {
      String value = values.get(i);
      String itemPath = path + "[" + i + "]";
      if (value == null || value.isEmpty()) {
        problems.expected(route, itemPath, value, "a non-empty " + what + " or `*`");
        continue;
      }
      String first = seen.putIfAbsent(value.toLowerCase(Locale.ROOT), itemPath);
      if (first != null) {
        problems.expected(route, itemPath, value, "each " + what + " once; also at " + first);
        continue;
      }
      if (value.equals("*")) {
        if (values.size() > 1) {
          problems.expected(route, itemPath, value,
              "`*` as the only entry (it already allows every " + what + ")");
        }
        continue;
      }
      check.check(value, itemPath);
    }
  }

  private void checkOrigin(String origin, String path) {
    var matcher = ORIGIN.matcher(origin);
    if (!matcher.matches()) {
      problems.expected(route, path, origin,
          "an origin scheme://host[:port] without path, e.g. https://app.example.com or"
              + " https://*.example.com, or `*`");
      return;
    }
    String host = matcher.group(3);
    boolean wildcard = matcher.group(2) != null;
    if (!NameSyntax.isHostname(host) && (wildcard || !isBracketedOrIp(host))) {
      problems.expected(route, path, origin, "a DNS name or IP address as host"
          + (wildcard ? " after `*.`" : ""));
    }
    if (matcher.group(5) != null) {
      int port = Integer.parseInt(matcher.group(5));
      if (port < 1 || port > 65535) {
        problems.expected(route, path, origin, "a port 1..65535");
      }
    }
  }

  private static boolean isBracketedOrIp(String host) {
    return NameSyntax.isIpAddress(host);
  }

  private void checkHeader(String name, String path) {
    if (!NameSyntax.isToken(name)) {
      problems.expected(route, path, name, "a header name (an HTTP token) or `*`");
    }
  }
}
