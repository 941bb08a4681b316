package dev.crossgate.routing.config;

import dev.crossgate.routing.filter.FilterChain;
import dev.crossgate.routing.lb.WeightedChoice;
import dev.crossgate.routing.resilience.RouteResilience;
import dev.crossgate.routing.upstream.Backend;
import java.util.Objects;

/**
 * One compiled HTTPRoute rule: what a matching request goes through and where it goes.
 *
 * @param routeName the route as {@code namespace/name}
 * @param ruleIndex the rule's index in the route
 * @param chain the filters, edge filters first
 * @param backends the weighted backends; {@code null} when the rule only redirects
 * @param resilience the rule's timeouts and retry policy
 */
public record RouteRule(String routeName, int ruleIndex, FilterChain chain,
    WeightedChoice<Backend> backends, RouteResilience resilience) {
  public RouteRule {
    Objects.requireNonNull(routeName, "routeName");
    Objects.requireNonNull(chain, "chain");
    Objects.requireNonNull(resilience, "resilience");
  }

  /** A rule without timeouts and retries. */
  public RouteRule(String routeName, int ruleIndex, FilterChain chain,
      WeightedChoice<Backend> backends) {
    this(routeName, ruleIndex, chain, backends, RouteResilience.NONE);
  }
}
