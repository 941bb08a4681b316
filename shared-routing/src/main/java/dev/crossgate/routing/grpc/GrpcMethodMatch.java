package dev.crossgate.routing.grpc;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One {@code GRPCRoute} method match (Gateway API {@code GRPCMethodMatch}): a service and a
 * method, each exact or a regular expression, either omitted to match any. A gRPC call's path is
 * {@code /<service>/<method>}.
 *
 * <p>Until the policy model has {@code GRPCRoute}, the compiler has nothing to build these from;
 * wiring is {@code GrpcMethodMatch.of(match.type(), match.service(), match.method())} per match
 * and {@link #matchesPath} in the route's request condition.
 */
public final class GrpcMethodMatch {

  /** How service and method are compared. */
  public enum Type {
    /** Equal, case-sensitive. */
    EXACT,
    /** A full match of a regular expression (RE2-style syntax as far as Java supports it). */
    REGULAR_EXPRESSION
  }

  private final Type type;
  private final String service;
  private final String method;
  private final Pattern servicePattern;
  private final Pattern methodPattern;

  private GrpcMethodMatch(Type type, String service, String method) {
    this.type = type;
    this.service = service;
    this.method = method;
    this.servicePattern = type == Type.REGULAR_EXPRESSION && service != null
        ? Pattern.compile(service) : null;
    this.methodPattern = type == Type.REGULAR_EXPRESSION && method != null
        ? Pattern.compile(method) : null;
  }

  /**
   * A match.
   *
   * @param type {@code Exact} or {@code RegularExpression} as written in a GRPCRoute; null is
   *     {@code Exact}
   * @param service the service, e.g. {@code pkg.Service}, or null for any
   * @param method the method, or null for any
   * @throws IllegalArgumentException when both are null, the type is unknown or a regular
   *     expression does not compile
   */
  public static GrpcMethodMatch of(String type, String service, String method) {
    Type parsed;
    if (type == null || type.equals("Exact")) {
      parsed = Type.EXACT;
    } else if (type.equals("RegularExpression")) {
      parsed = Type.REGULAR_EXPRESSION;
    } else {
      throw new IllegalArgumentException("type: " + type
          + " (expected: Exact or RegularExpression)");
    }
    if (service == null && method == null) {
      throw new IllegalArgumentException("service: null, method: null (expected: at least one)");
    }
    try {
      return new GrpcMethodMatch(parsed, service, method);
    } catch (java.util.regex.PatternSyntaxException e) {
      throw new IllegalArgumentException("regular expression: " + e.getPattern()
          + " (expected: a valid expression: " + e.getDescription() + ")", e);
    }
  }

  /** True when a request path {@code /<service>/<method>} is a call this match selects. */
  public boolean matchesPath(String path) {
    Objects.requireNonNull(path, "path");
    if (path.length() < 4 || path.charAt(0) != '/') {
      return false;
    }
    int slash = path.indexOf('/', 1);
    if (slash < 2 || slash == path.length() - 1 || path.indexOf('/', slash + 1) >= 0) {
      return false;
    }
    return matches(path.substring(1, slash), path.substring(slash + 1));
  }

  /** True when this match selects the call to {@code service}/{@code method}. */
  public boolean matches(String callService, String callMethod) {
    return part(service, servicePattern, callService) && part(method, methodPattern, callMethod);
  }

  private boolean part(String expected, Pattern pattern, String actual) {
    if (expected == null) {
      return true;
    }
    return type == Type.EXACT ? expected.equals(actual) : pattern.matcher(actual).matches();
  }

  @Override
  public String toString() {
    return "GrpcMethodMatch[" + type + " " + service + "/" + method + "]";
  }
}
