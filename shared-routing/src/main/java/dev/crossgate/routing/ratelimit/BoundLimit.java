package dev.crossgate.routing.ratelimit;

import java.util.Objects;

/**
 * One limit of one RateLimitPolicy, ready to run: what it counts by and its buckets.
 *
 * @param policy the policy as {@code namespace/name}
 * @param name the limit's name in the policy
 * @param description the limit in words for error details, e.g. {@code 10 requests per Minute}
 * @param key what requests are counted by
 * @param limiter the buckets
 */
public record BoundLimit(String policy, String name, String description, RateKey key,
    RateLimiter limiter) {

  public BoundLimit {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(limiter, "limiter");
  }

  /** {@code RateLimitPolicy namespace/name limit name}: what decided a refusal. */
  public String decidedBy() {
    return "RateLimitPolicy " + policy + " limit " + name;
  }
}
