package dev.crossgate.routing.grpc;

import dev.crossgate.policy.model.GrpcRoute;
import dev.crossgate.policy.model.HttpRoute;
import dev.crossgate.routing.route.RouteEntry;
import java.util.regex.Pattern;

/**
 * Turns a {@code GRPCRoute} method match into the HTTP path match a call carries
 * ({@code /<service>/<method>}), so gRPC rules live in the same route table as HTTPRoute rules:
 * service and method {@code Exact} become an {@code Exact} path; a service alone, a method
 * alone, or any {@code RegularExpression} a {@code RegularExpression} over the whole path where
 * an omitted part is {@code [^/]+}. {@link #rank} gives the entry's Gateway API precedence, so
 * that among the expressions a longer service match wins over a method-only match.
 */
public final class GrpcMethodPaths {

  private static final String ANY_PART = "[^/]+";
  private static final HttpRoute.PathMatch EVERY_CALL = new HttpRoute.PathMatch("PathPrefix", "/");

  private GrpcMethodPaths() {}

  /**
   * The path match selecting the calls {@code match} selects.
   *
   * @param match a validated method match, or null for every call
   * @throws IllegalArgumentException when the type is neither {@code Exact} (or null) nor
   *     {@code RegularExpression}
   */
  public static HttpRoute.PathMatch of(GrpcRoute.MethodMatch match) {
    if (match == null || (match.service() == null && match.method() == null)) {
      return EVERY_CALL;
    }
    String service = match.service();
    String method = match.method();
    String type = match.type();
    if (type == null || type.equals("Exact")) {
      if (method == null) {
        return regex(Pattern.quote(service), ANY_PART);
      }
      if (service != null) {
        return new HttpRoute.PathMatch("Exact", "/" + service + "/" + method);
      }
      return regex(ANY_PART, Pattern.quote(method));
    }
    if (type.equals("RegularExpression")) {
      return regex(service == null ? ANY_PART : "(?:" + service + ")",
          method == null ? ANY_PART : "(?:" + method + ")");
    }
    throw new IllegalArgumentException("type: " + type + " (expected: Exact or RegularExpression)");
  }

  /**
   * The Gateway API precedence of {@code match} (GRPCRouteRule): the characters of its service,
   * then of its method, as written (for a {@code RegularExpression}, the expression's length).
   */
  public static RouteEntry.GrpcRank rank(GrpcRoute.MethodMatch match) {
    if (match == null) {
      return RouteEntry.GrpcRank.NONE;
    }
    return new RouteEntry.GrpcRank(match.service() == null ? 0 : match.service().length(),
        match.method() == null ? 0 : match.method().length());
  }

  private static HttpRoute.PathMatch regex(String service, String method) {
    return new HttpRoute.PathMatch("RegularExpression", "/" + service + "/" + method);
  }
}
