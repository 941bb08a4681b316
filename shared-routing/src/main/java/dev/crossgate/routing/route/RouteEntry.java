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
    T target) {

  private static final HttpRoute.Match MATCH_ALL =
      new HttpRoute.Match(null, List.of(), List.of(), null);

  public RouteEntry {
    hostnames = hostnames == null ? List.of() : List.copyOf(hostnames);
    match = match == null ? MATCH_ALL : match;
    namespace = namespace == null ? ObjectMeta.DEFAULT_NAMESPACE : namespace;
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(target, "target");
    if (ruleIndex < 0) {
      throw new IllegalArgumentException("ruleIndex: " + ruleIndex + " (expected: >= 0)");
    }
    if (matchIndex < 0) {
      throw new IllegalArgumentException("matchIndex: " + matchIndex + " (expected: >= 0)");
    }
  }

  /** {@code namespace/name[rule][match]}, the form used in logs and messages. */
  public String qualifiedName() {
    return namespace + "/" + name + "[" + ruleIndex + "][" + matchIndex + "]";
  }
}
