package dev.crossgate.routing.grpc;

import dev.crossgate.policy.model.GrpcRoute;
import dev.crossgate.policy.model.HttpRoute;
import java.util.regex.Pattern;

/**
 * Turns a {@code GRPCRoute} method match into the HTTP path match a call carries
 * ({@code /<service>/<method>}), so gRPC rules live in the same route table as HTTPRoute rules:
 * service and method {@code Exact} become an {@code Exact} path; a service alone a
 * {@code PathPrefix /<service>/}; a method alone, or any {@code RegularExpression}, a
 * {@code RegularExpression} over the whole path where an omitted part is {@code [^/]+}.
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
        return new HttpRoute.PathMatch("PathPrefix", "/" + service + "/");
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

  private static HttpRoute.PathMatch regex(String service, String method) {
    return new HttpRoute.PathMatch("RegularExpression", "/" + service + "/" + method);
  }
}
