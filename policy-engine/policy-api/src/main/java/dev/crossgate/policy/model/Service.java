package dev.crossgate.policy.model;

import java.util.List;

/**
 * A {@code Service}: a named backend with its endpoints and how requests are spread over them.
 *
 * @param apiVersion the API version
 * @param metadata the metadata
 * @param spec the endpoints and load balancing
 */
public record Service(
    @Doc("The API version.") String apiVersion,
    @Doc("The metadata.") ObjectMeta metadata,
    @Doc("The endpoints and load balancing.") Spec spec) implements Resource {

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
   * @param protocol how the gateway talks to the endpoints: {@code HTTP} (default, HTTP/1.1),
   *     {@code HTTP2} (h2c), {@code GRPC} or {@code TCP}
   * @param healthCheck active health checking; none when omitted
   * @param outlierDetection passive ejection of failing endpoints; none when omitted
   * @param connectionPool connection and queue limits; the defaults when omitted
   * @param circuitBreaker circuit breaking on the error rate; none when omitted
   * @param timeouts connect and idle timeouts; the defaults when omitted
   * @param retryBudget how much extra load retries may add; the defaults when omitted
   * @param tls TLS toward the endpoints; plaintext when omitted
   * @param meshPort for {@code protocol: TCP}: the port each calling sidecar listens on (on its
   *     local address) and forwards, as opaque bytes, to this service; none when omitted
   */
  public record Spec(
      @Doc("Static endpoints.") List<Endpoint> endpoints,
      @Doc("The balancing policy; round-robin when omitted.") LoadBalancer loadBalancer,
      @Doc(value = "How the gateway talks to the endpoints.", defaultValue = "HTTP",
              allowed = {"HTTP", "HTTP2", "GRPC", "TCP"})
          String protocol,
      @Doc("Active health checking; none when omitted.") HealthCheck healthCheck,
      @Doc("Passive ejection of failing endpoints; none when omitted.")
          OutlierDetection outlierDetection,
      @Doc("Connection and queue limits.") ConnectionPool connectionPool,
      @Doc("Circuit breaking on the error rate; none when omitted.") CircuitBreaker circuitBreaker,
      @Doc("Connect and idle timeouts.") Timeouts timeouts,
      @Doc("How much extra load retries may add.") RetryBudget retryBudget,
      @Doc("TLS toward the endpoints; plaintext when omitted.") Tls tls,
      @Doc("For protocol TCP: the port each calling sidecar listens on (its local address) and"
          + " forwards, as opaque bytes, to this service; none when omitted.") Integer meshPort) {
    public Spec {
      endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    }

    /** A spec without a mesh TCP port. */
    public Spec(List<Endpoint> endpoints, LoadBalancer loadBalancer, String protocol,
        HealthCheck healthCheck, OutlierDetection outlierDetection, ConnectionPool connectionPool,
        CircuitBreaker circuitBreaker, Timeouts timeouts, RetryBudget retryBudget, Tls tls) {
      this(endpoints, loadBalancer, protocol, healthCheck, outlierDetection, connectionPool,
          circuitBreaker, timeouts, retryBudget, tls, null);
    }

    /** A spec without upstream TLS. */
    public Spec(List<Endpoint> endpoints, LoadBalancer loadBalancer, String protocol,
        HealthCheck healthCheck, OutlierDetection outlierDetection, ConnectionPool connectionPool,
        CircuitBreaker circuitBreaker, Timeouts timeouts, RetryBudget retryBudget) {
      this(endpoints, loadBalancer, protocol, healthCheck, outlierDetection, connectionPool,
          circuitBreaker, timeouts, retryBudget, null);
    }

    /** A spec with endpoints and load balancing only. */
    public Spec(List<Endpoint> endpoints, LoadBalancer loadBalancer) {
      this(endpoints, loadBalancer, null, null, null, null, null, null, null, null);
    }
  }

  /**
   * TLS toward a service's endpoints. The server certificate is verified against
   * {@code caCertificates} (or {@code caFile}), or the JVM's trusted roots when neither is set,
   * and its name against {@code serverName}, which is also sent as SNI.
   *
   * @param serverName the name the certificate must carry and the SNI sent; the endpoint
   *     address when omitted
   * @param caFile a PEM file with the CA certificates trusted for the endpoints
   * @param caCertificates the trusted CA certificates as inline PEM
   * @param verifyServerName whether the certificate's name is checked; {@code true} by default
   * @param clientCertificate a certificate presented to the endpoints (mutual TLS); none when
   *     omitted
   */
  public record Tls(
      @Doc("The name the certificate must carry, also sent as SNI; the endpoint address when"
              + " omitted.")
          String serverName,
      @Doc("A PEM file with the CA certificates trusted for the endpoints.") String caFile,
      @Doc("The trusted CA certificates as inline PEM.") String caCertificates,
      @Doc(value = "Whether the certificate's name is checked.", defaultValue = "true")
          Boolean verifyServerName,
      @Doc("A certificate presented to the endpoints (mutual TLS); none when omitted.")
          Gateway.CertificateRef clientCertificate) {}

  /**
   * Active health checks: an HTTP GET to each endpoint; 2xx is healthy.
   *
   * @param path the path probed
   * @param interval the time between probes
   * @param timeout how long one probe may take; below {@code interval}
   * @param healthyThreshold consecutive successes that bring an endpoint back
   * @param unhealthyThreshold consecutive failures that take an endpoint out
   * @param failOpen when every endpoint is unhealthy, balance over all of them anyway
   */
  public record HealthCheck(
      @Doc("The path probed with GET; 2xx is healthy.") String path,
      @Doc(value = "The time between probes.", defaultValue = "10s") GatewayDuration interval,
      @Doc(value = "How long one probe may take; below interval.", defaultValue = "1s")
          GatewayDuration timeout,
      @Doc(value = "Consecutive successes that bring an endpoint back, 1..100.", defaultValue = "2")
          Integer healthyThreshold,
      @Doc(value = "Consecutive failures that take an endpoint out, 1..100.", defaultValue = "3")
          Integer unhealthyThreshold,
      @Doc(value = "When every endpoint is unhealthy, use them all anyway.", defaultValue = "true")
          Boolean failOpen) {}

  /**
   * Passive outlier detection: failing endpoints are ejected for a growing time.
   *
   * @param consecutive5xx consecutive 5xx responses that eject an endpoint
   * @param consecutiveGatewayErrors consecutive connect failures, resets and 502/503/504 that
   *     eject an endpoint
   * @param interval how often ejections are reconsidered
   * @param baseEjectionTime the first ejection's length, multiplied by the ejection count
   * @param maxEjectionPercent the largest share of endpoints ejected at once, 0..100
   */
  public record OutlierDetection(
      @Doc(value = "Consecutive 5xx responses that eject an endpoint, >= 1.", defaultValue = "5")
          Integer consecutive5xx,
      @Doc(value = "Consecutive connect failures, resets and 502/503/504 that eject, >= 1.",
              defaultValue = "5")
          Integer consecutiveGatewayErrors,
      @Doc(value = "How often ejections are reconsidered.", defaultValue = "10s")
          GatewayDuration interval,
      @Doc(value = "The first ejection's length, multiplied by the ejection count.",
              defaultValue = "30s")
          GatewayDuration baseEjectionTime,
      @Doc(value = "The largest share of endpoints ejected at once, 0..100.", defaultValue = "10")
          Integer maxEjectionPercent) {}

  /**
   * Connection pool limits; overflow is an immediate 503, never an unbounded queue.
   *
   * @param maxConnections connections per endpoint, >= 1
   * @param maxPendingRequests requests waiting for a connection, >= 0
   * @param maxRequestsPerConnection requests on one connection before it is closed; 0 is
   *     unlimited
   */
  public record ConnectionPool(
      @Doc(value = "Connections per endpoint, >= 1.", defaultValue = "100") Integer maxConnections,
      @Doc(value = "Requests waiting for a connection, >= 0.", defaultValue = "1024")
          Integer maxPendingRequests,
      @Doc(value = "Requests per connection before it is closed, >= 0; 0 is unlimited.",
              defaultValue = "0")
          Integer maxRequestsPerConnection) {}

  /**
   * Circuit breaking: when the error rate in a window reaches the threshold, requests fail fast
   * for {@code openDuration}, then one probe is let through (half-open).
   *
   * @param errorRateThreshold the error rate that opens the circuit, in percent, 1..100
   * @param minimumRequests requests in the window before the rate counts, >= 1
   * @param window the sliding window
   * @param openDuration how long the circuit stays open before probing
   */
  public record CircuitBreaker(
      @Doc(value = "The error rate, in percent, that opens the circuit, 1..100.",
              defaultValue = "50")
          Integer errorRateThreshold,
      @Doc(value = "Requests in the window before the rate counts, >= 1.", defaultValue = "20")
          Integer minimumRequests,
      @Doc(value = "The sliding window.", defaultValue = "10s") GatewayDuration window,
      @Doc(value = "How long the circuit stays open before a probe.", defaultValue = "30s")
          GatewayDuration openDuration) {}

  /**
   * Connection timeouts toward the endpoints.
   *
   * @param connect how long opening a connection may take
   * @param idle how long an unused pooled connection is kept
   */
  public record Timeouts(
      @Doc(value = "How long opening a connection may take.", defaultValue = "5s")
          GatewayDuration connect,
      @Doc(value = "How long an unused pooled connection is kept.", defaultValue = "60s")
          GatewayDuration idle) {}

  /**
   * A retry budget: retries may add at most {@code percent} of the active requests, but always
   * at least {@code minRetriesPerSecond}.
   *
   * @param percent the extra load retries may add, 0..100
   * @param minRetriesPerSecond retries always allowed per second, >= 0
   */
  public record RetryBudget(
      @Doc(value = "The extra load retries may add, in percent, 0..100.", defaultValue = "20")
          Integer percent,
      @Doc(value = "Retries always allowed per second, >= 0.", defaultValue = "10")
          Integer minRetriesPerSecond) {}

  /**
   * One static endpoint.
   *
   * @param address an IP address or host name
   * @param port the TCP port, 1..65535
   */
  public record Endpoint(
      @Doc("An IP address or host name.") String address,
      @Doc("The TCP port, 1..65535.") Integer port) {}

  /**
   * How requests are spread over endpoints.
   *
   * @param type {@code RoundRobin} (default), {@code LeastRequest}, {@code PeakEwma} or
   *     {@code ConsistentHash}
   * @param consistentHash what to hash on; required for {@code ConsistentHash}
   */
  public record LoadBalancer(
      @Doc(value = "RoundRobin (default), LeastRequest, PeakEwma or ConsistentHash.",
              allowed = {"RoundRobin", "LeastRequest", "PeakEwma", "ConsistentHash"})
          String type,
      @Doc("What to hash on; required for ConsistentHash.") ConsistentHash consistentHash) {}

  /**
   * The key of consistent hashing: exactly one of the three.
   *
   * @param header a request header name
   * @param cookie a cookie name
   * @param sourceAddress hash on the client address
   */
  public record ConsistentHash(
      @Doc("A request header name.") String header,
      @Doc("A cookie name.") String cookie,
      @Doc("Hash on the client address.") Boolean sourceAddress) {}
}
