package dev.crossgate.policy.model;

import java.util.List;

/**
 * A {@code Service}: a named backend with its endpoints and how requests are spread over them.
 *
 * @param apiVersion the API version
 * @param metadata the metadata
 * @param spec the endpoints and load balancing
 */
public record Service(String apiVersion, ObjectMeta metadata, Spec spec) implements Resource {

  /** The kind name as written in YAML. */
  public static final String KIND = "Service";

  @Override
  public String kind() {
    return KIND;
  }

  /**
   * The service specification.
   *
   * @param endpoints static endpoints
   * @param loadBalancer the balancing policy; round-robin when omitted
   */
  public record Spec(List<Endpoint> endpoints, LoadBalancer loadBalancer) {
    public Spec {
      endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    }
  }

  /**
   * One static endpoint.
   *
   * @param address an IP address or host name
   * @param port the TCP port, 1..65535
   */
  public record Endpoint(String address, Integer port) {}

  /**
   * How requests are spread over endpoints.
   *
   * @param type {@code RoundRobin} (default), {@code LeastRequest}, {@code PeakEwma} or
   *     {@code ConsistentHash}
   * @param consistentHash what to hash on; required for {@code ConsistentHash}
   */
  public record LoadBalancer(String type, ConsistentHash consistentHash) {}

  /**
   * The key of consistent hashing: exactly one of the three.
   *
   * @param header a request header name
   * @param cookie a cookie name
   * @param sourceAddress hash on the client address
   */
  public record ConsistentHash(String header, String cookie, Boolean sourceAddress) {}
}
