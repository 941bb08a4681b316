package dev.crossgate.routing.route;

import dev.crossgate.policy.model.HttpRoute;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** A {@link RouteEntry} with its path, method, header and query conditions compiled once. */
final class CompiledRoute<T> {

  enum PathType {
    EXACT,
    PREFIX,
    REGEX
  }

  /**
   * Precedence among entries with the same path and among regular expressions: GRPCRoute
   * entries by more service characters, then more method characters (Gateway API
   * GRPCRouteRule; zero for HTTPRoute entries), then method-specific first, then more header
   * matches, then more query matches, then the oldest, then namespace/name alphabetically, then
   * rule and match index.
   */
  static final Comparator<CompiledRoute<?>> PRECEDENCE =
      Comparator.<CompiledRoute<?>>comparingInt(r -> -r.entry.grpc().serviceChars())
          .thenComparingInt(r -> -r.entry.grpc().methodChars())
          .thenComparingInt(r -> r.method == null ? 1 : 0)
          .thenComparingInt(r -> -r.headers.length)
          .thenComparingInt(r -> -r.queryParams.length)
          .thenComparing(
              r -> r.entry.creationTimestamp(), Comparator.nullsLast(Comparator.naturalOrder()))
          .thenComparing(r -> r.entry.namespace())
          .thenComparing(r -> r.entry.name())
          .thenComparingInt(r -> r.entry.ruleIndex())
          .thenComparingInt(r -> r.entry.matchIndex());

  final RouteEntry<T> entry;
  final PathType pathType;
  /** Exact: the path; prefix: the prefix without a trailing slash ({@code ""} for root). */
  final String pathKey;
  final Pattern pathPattern;
  final String method;
  final ValueCondition[] headers;
  final ValueCondition[] queryParams;

  CompiledRoute(RouteEntry<T> entry) {
    this.entry = entry;
    HttpRoute.Match match = entry.match();
    HttpRoute.PathMatch path = match.path();
    String type = path == null || path.type() == null ? "PathPrefix" : path.type();
    String value = path == null || path.value() == null ? "/" : path.value();
    switch (type) {
      case "Exact":
        pathType = PathType.EXACT;
        pathKey = value;
        pathPattern = null;
        break;
      case "RegularExpression":
        pathType = PathType.REGEX;
        pathKey = value;
        pathPattern = Pattern.compile(value);
        break;
      case "PathPrefix":
        pathType = PathType.PREFIX;
        pathKey = stripTrailingSlashes(value);
        pathPattern = null;
        break;
      default:
        throw new IllegalArgumentException(
            entry.qualifiedName()
                + ".path.type: "
                + type
                + " (expected: Exact, PathPrefix or RegularExpression)");
    }
    method = match.method() == null ? null : match.method().toUpperCase(Locale.ROOT);
    headers = compile(match.headers(), true);
    queryParams = compile(match.queryParams(), false);
  }

  private static String stripTrailingSlashes(String prefix) {
    int end = prefix.length();
    while (end > 0 && prefix.charAt(end - 1) == '/') {
      end--;
    }
    return prefix.substring(0, end);
  }

  private static ValueCondition[] compile(List<HttpRoute.ValueMatch> matches, boolean header) {
    ValueCondition[] conditions = new ValueCondition[matches.size()];
    for (int i = 0; i < conditions.length; i++) {
      HttpRoute.ValueMatch m = matches.get(i);
      conditions[i] = header ? ValueCondition.header(m) : ValueCondition.queryParam(m);
    }
    return conditions;
  }

  /** Whether method, headers and query parameters match; the path is checked by the caller. */
  boolean matchesConditions(RequestView request) {
    if (method != null && !method.equals(request.method())) {
      return false;
    }
    for (ValueCondition header : headers) {
      if (!header.test(request.header(header.name()))) {
        return false;
      }
    }
    for (ValueCondition param : queryParams) {
      if (!param.test(request.queryParam(param.name()))) {
        return false;
      }
    }
    return true;
  }
}
