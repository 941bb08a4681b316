package dev.crossgate.policy.model;

import java.util.List;

/**
 * A {@code RateLimitPolicy}: request limits per key (client address, header, JWT claim,
 * principal or route), local to each data plane or global across replicas.
 *
 * @param apiVersion the API version
 * @param metadata the metadata
 * @param spec the targets and limits
 */
public record RateLimitPolicy(
    @Doc("The API version.") String apiVersion,
    @Doc("The metadata.") ObjectMeta metadata,
    @Doc("The targets and limits.") Spec spec)
    implements Resource {

  /** The kind name as written in YAML. */
  public static final String KIND = "RateLimitPolicy";

  @Override
  public String kind() {
    return KIND;
  }

  /**
   * The specification.
   *
   * @param targetRefs what the limits apply to: Gateway, HTTPRoute, GRPCRoute or Service
   * @param limits the limits; a request must pass every one
   * @param scope local: one bucket per data plane. Global: counters shared through the policy engine; default Local
   * @param failureMode for Global: whether requests pass (Open) or are refused (Closed) when the policy engine is unreachable; default Open
   * @param trustedProxies proxies (CIDRs) whose X-Forwarded-For is trusted for the ClientAddress key
   */
  public record Spec(
      @Doc("What the limits apply to: Gateway, HTTPRoute, GRPCRoute or Service.")
          List<TargetRef> targetRefs,
      @Doc("The limits; a request must pass every one.") List<Limit> limits,
      @Doc(value = "Local: one bucket per data plane. Global: counters shared through the policy engine.",
              defaultValue = "Local", allowed = {"Local", "Global"})
          String scope,
      @Doc(value = "For Global: whether requests pass (Open) or are refused (Closed) when the policy engine is unreachable.",
              defaultValue = "Open", allowed = {"Open", "Closed"})
          String failureMode,
      @Doc("Proxies (CIDRs) whose X-Forwarded-For is trusted for the ClientAddress key.")
          List<String> trustedProxies) {
    public Spec {
      targetRefs = targetRefs == null ? List.of() : List.copyOf(targetRefs);
      limits = limits == null ? List.of() : List.copyOf(limits);
      trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
    }
  }

  /**
   * One limit: {@code requests} per {@code unit} per key, plus a burst.
   *
   * @param name the limit name, a DNS label, unique in the policy; shown in responses and metrics
   * @param key what requests are counted by
   * @param requests requests allowed per unit, > 0
   * @param unit the period
   * @param burst extra requests allowed at once, >= 0; default 0; must be 0 with scope Global
   */
  public record Limit(
      @Doc("The limit name, a DNS label, unique in the policy; shown in responses and metrics.")
          String name,
      @Doc("What requests are counted by.") Key key,
      @Doc("Requests allowed per unit, > 0.") Integer requests,
      @Doc(value = "The period.", allowed = {"Second", "Minute", "Hour"}) String unit,
      @Doc(value = "Extra requests allowed at once, >= 0; must be 0 with scope Global.",
              defaultValue = "0") Integer burst) {}

  /**
   * What a limit counts by.
   *
   * @param type the key kind
   * @param name for Header: the header name; for JwtClaim: the claim name; otherwise not set
   */
  public record Key(
      @Doc(value = "The key kind.", allowed = {"ClientAddress", "Header", "JwtClaim", "Principal", "Route"})
          String type,
      @Doc("For Header: the header name; for JwtClaim: the claim name; otherwise not set.")
          String name) {}
}
