package dev.crossgate.policy.validation;

import dev.crossgate.policy.model.Service;
import java.util.List;

/** Checks a {@code Service}: its endpoints and load-balancing policy. */
final class ServiceRules {

  static final List<String> LOAD_BALANCER_TYPES =
      List.of("RoundRobin", "LeastRequest", "PeakEwma", "ConsistentHash");

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
