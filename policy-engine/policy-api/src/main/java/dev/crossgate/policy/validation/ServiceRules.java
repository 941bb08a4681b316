package dev.crossgate.policy.validation;

import dev.crossgate.policy.model.AllowedValues;
import dev.crossgate.policy.model.GatewayDuration;
import dev.crossgate.policy.model.Service;
import java.util.List;

/** Checks a {@code Service}: its endpoints and load-balancing policy. */
final class ServiceRules {

  static final List<String> LOAD_BALANCER_TYPES =
      AllowedValues.of(Service.LoadBalancer.class, "type");

  private ServiceRules() {}

  static void check(Service service, ProblemList problems) {
    if (service.spec() == null) {
      problems.expected(service, "spec", null, "a mapping with endpoints");
      return;
    }
    List<Service.Endpoint> endpoints = service.spec().endpoints();
    if (endpoints.isEmpty()) {
      problems.expected(service, "spec.endpoints", endpoints, "at least one endpoint");
    }
    for (int i = 0; i < endpoints.size(); i++) {
      Service.Endpoint endpoint = endpoints.get(i);
      String path = "spec.endpoints[" + i + "]";
      if (endpoint == null) {
        problems.expected(service, path, null, "an endpoint");
        continue;
      }
      String address = endpoint.address();
      if (address == null || address.isBlank()) {
        problems.expected(service, path + ".address", address, "an IP address or host name");
      } else if (!NameSyntax.isIpAddress(address) && !NameSyntax.isHostname(address)) {
        problems.expected(
            service,
            path + ".address",
            address,
            "an IP address or host name, without scheme or port");
      }
      Integer port = endpoint.port();
      if (port == null || port < 1 || port > 65535) {
        problems.expected(service, path + ".port", port, "1..65535");
      }
    }
    checkLoadBalancer(service, service.spec().loadBalancer(), problems);
    checkResilience(service, service.spec(), new FieldChecks(service, problems));
    TlsRules.checkServiceTls(service.spec(), new FieldChecks(service, problems));
  }

  private static void checkResilience(Service service, Service.Spec spec, FieldChecks checks) {
    checks.oneOf("spec.protocol", spec.protocol(), Service.Spec.class, "protocol");
    if (spec.meshPort() != null) {
      if (!"TCP".equals(spec.protocol())) {
        checks.expected("spec.meshPort", spec.meshPort(),
            "no meshPort unless spec.protocol is TCP (HTTP services are called through the"
                + " sidecar's outbound port)");
      } else {
        checks.range("spec.meshPort", spec.meshPort(), 1, 65535);
      }
    }
    Service.HealthCheck health = spec.healthCheck();
    if (health != null) {
      String path = "spec.healthCheck";
      // TCP Services are probed with a connect: no path to ask for
      boolean tcp = "TCP".equals(spec.protocol());
      if (tcp && health.path() != null) {
        checks.expected(path + ".path", health.path(),
            "no path: a TCP Service is probed with a TCP connect");
      } else if (!tcp
          && checks.required(path + ".path", health.path(), "an absolute path starting with /")
          && (!health.path().startsWith("/") || health.path().chars().anyMatch(c -> c <= ' '))) {
        checks.expected(path + ".path", health.path(), "an absolute path starting with /, without spaces");
      }
      checks.positive(path + ".interval", health.interval(), 0, null);
      checks.positive(path + ".timeout", health.timeout(), 0, null);
      GatewayDuration interval =
          health.interval() == null ? GatewayDuration.of("10s") : health.interval();
      if (health.timeout() != null && health.timeout().compareTo(interval) >= 0) {
        checks.expected(path + ".timeout", health.timeout(), "less than interval (" + interval + ")");
      } else if (health.timeout() == null && health.interval() != null
          && !health.interval().duration().isZero()
          && GatewayDuration.of("1s").compareTo(health.interval()) > 0) {
        checks.expected(path + ".interval", health.interval(),
            "at least timeout (1s, the default); or set a shorter timeout");
      }
      checks.range(path + ".healthyThreshold", health.healthyThreshold(), 1, 100);
      checks.range(path + ".unhealthyThreshold", health.unhealthyThreshold(), 1, 100);
    }
    Service.OutlierDetection outlier = spec.outlierDetection();
    if (outlier != null) {
      String path = "spec.outlierDetection";
      checks.atLeast(path + ".consecutive5xx", outlier.consecutive5xx(), 1);
      checks.atLeast(path + ".consecutiveGatewayErrors", outlier.consecutiveGatewayErrors(), 1);
      checks.positive(path + ".interval", outlier.interval(), 0, null);
      checks.positive(path + ".baseEjectionTime", outlier.baseEjectionTime(), 0, null);
      checks.range(path + ".maxEjectionPercent", outlier.maxEjectionPercent(), 0, 100);
    }
    Service.ConnectionPool pool = spec.connectionPool();
    if (pool != null) {
      checks.atLeast("spec.connectionPool.maxConnections", pool.maxConnections(), 1);
      checks.atLeast("spec.connectionPool.maxPendingRequests", pool.maxPendingRequests(), 0);
      checks.atLeast(
          "spec.connectionPool.maxRequestsPerConnection", pool.maxRequestsPerConnection(), 0);
    }
    Service.CircuitBreaker breaker = spec.circuitBreaker();
    if (breaker != null) {
      String path = "spec.circuitBreaker";
      checks.range(path + ".errorRateThreshold", breaker.errorRateThreshold(), 1, 100);
      checks.atLeast(path + ".minimumRequests", breaker.minimumRequests(), 1);
      checks.positive(path + ".window", breaker.window(), 0, null);
      checks.positive(path + ".openDuration", breaker.openDuration(), 0, null);
    }
    Service.Timeouts timeouts = spec.timeouts();
    if (timeouts != null) {
      checks.positive("spec.timeouts.connect", timeouts.connect(), 0, null);
      checks.positive("spec.timeouts.idle", timeouts.idle(), 0, null);
    }
    Service.RetryBudget budget = spec.retryBudget();
    if (budget != null) {
      checks.range("spec.retryBudget.percent", budget.percent(), 0, 100);
      checks.atLeast("spec.retryBudget.minRetriesPerSecond", budget.minRetriesPerSecond(), 0);
    }
  }

  private static void checkLoadBalancer(
      Service service, Service.LoadBalancer loadBalancer, ProblemList problems) {
    if (loadBalancer == null) {
      return;
    }
    String type = loadBalancer.type() == null ? "RoundRobin" : loadBalancer.type();
    if (!LOAD_BALANCER_TYPES.contains(type)) {
      problems.expected(
          service,
          "spec.loadBalancer.type",
          type,
          "one of " + String.join(", ", LOAD_BALANCER_TYPES)
              + NameSuggestions.hint(type, LOAD_BALANCER_TYPES));
      return;
    }
    Service.ConsistentHash hash = loadBalancer.consistentHash();
    if (!"ConsistentHash".equals(type)) {
      if (hash != null) {
        problems.add(
            service,
            "spec.loadBalancer.consistentHash",
            "set (expected: only with type ConsistentHash, but type is " + type + ")");
      }
      return;
    }
    if (hash == null) {
      problems.expected(
          service,
          "spec.loadBalancer.consistentHash",
          null,
          "one of header, cookie or sourceAddress: true, for type ConsistentHash");
      return;
    }
    int keys = 0;
    if (hash.header() != null) {
      keys++;
      if (!NameSyntax.isToken(hash.header())) {
        problems.expected(
            service, "spec.loadBalancer.consistentHash.header", hash.header(), "a header name");
      }
    }
    if (hash.cookie() != null) {
      keys++;
      if (!NameSyntax.isToken(hash.cookie())) {
        problems.expected(
            service, "spec.loadBalancer.consistentHash.cookie", hash.cookie(), "a cookie name");
      }
    }
    if (Boolean.TRUE.equals(hash.sourceAddress())) {
      keys++;
    }
    if (keys != 1) {
      problems.add(
          service,
          "spec.loadBalancer.consistentHash",
          keys + " hash keys (expected: exactly one of header, cookie or sourceAddress: true)");
    }
  }
}
