package dev.crossgate.routing.route;

import dev.crossgate.policy.model.HttpRoute;
import dev.crossgate.policy.model.ObjectMeta;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One {@code (route, rule, match)} triple of an {@code HTTPRoute} with the payload a matching
 * request is sent to. A route with several rules and matches becomes several entries; a
 * {@link RouteTable} is compiled from them.
 *
 * @param hostnames exact or {@code *.}-wildcard hostnames; empty matches every host
 * @param match the match; {@code PathPrefix /} when null
 * @param creationTimestamp when the route was created; null sorts as the newest
 * @param namespace the route's namespace; {@code default} when null
 * @param name the route's name
 * @param ruleIndex the index of the rule within the route
 * @param matchIndex the index of the match within the rule
 * @param target what a matching request is routed to
 * @param grpc the GRPCRoute precedence of this entry; {@link GrpcRank#NONE} for HTTPRoute
 *     entries
 * @param <T> the payload type
 */
public record RouteEntry<T>(
    List<String> hostnames,
    HttpRoute.Match match,
    Instant creationTimestamp,
    String namespace,
    String name,
    int ruleIndex,
    int matchIndex,
    T target,
    GrpcRank grpc) {

  /**
   * The Gateway API's GRPCRoute precedence keys: the characters of the matching service, then of
   * the matching method (for a {@code RegularExpression}, of the expression). Among entries the
   * same request could match, more service characters win, then more method characters.
   *
   * @param serviceChars characters of the service match; 0 when the match names no service
   * @param methodChars characters of the method match; 0 when the match names no method
   */
  public record GrpcRank(int serviceChars, int methodChars) {

    /** No gRPC precedence: HTTPRoute entries. */
    public static final GrpcRank NONE = new GrpcRank(0, 0);

    public GrpcRank {
      if (serviceChars < 0 || methodChars < 0) {
        throw new IllegalArgumentException("serviceChars, methodChars: " + serviceChars + ", "
            + methodChars + " (expected: >= 0)");
      }
    }
  }

  private static final HttpRoute.Match MATCH_ALL =
      new HttpRoute.Match(null, List.of(), List.of(), null);

  public RouteEntry {
    hostnames = hostnames == null ? List.of() : List.copyOf(hostnames);
    match = match == null ? MATCH_ALL : match;
    namespace = namespace == null ? ObjectMeta.DEFAULT_NAMESPACE : namespace;
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(target, "target");
    grpc = grpc == null ? GrpcRank.NONE : grpc;
    if (ruleIndex < 0) {
      throw new IllegalArgumentException("ruleIndex: " + ruleIndex + " (expected: >= 0)");
    }
    if (matchIndex < 0) {
      throw new IllegalArgumentException("matchIndex: " + matchIndex + " (expected: >= 0)");
    }
  }

  /** An HTTPRoute entry (no gRPC precedence). */
  public RouteEntry(List<String> hostnames, HttpRoute.Match match, Instant creationTimestamp,
      String namespace, String name, int ruleIndex, int matchIndex, T target) {
    this(hostnames, match, creationTimestamp, namespace, name, ruleIndex, matchIndex, target,
        GrpcRank.NONE);
  }

  /** {@code namespace/name[rule][match]}, the form used in logs and messages. */
  public String qualifiedName() {
    return namespace + "/" + name + "[" + ruleIndex + "][" + matchIndex + "]";
  }
}
