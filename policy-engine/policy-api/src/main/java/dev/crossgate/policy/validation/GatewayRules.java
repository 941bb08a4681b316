package dev.crossgate.policy.validation;

import dev.crossgate.policy.model.Gateway;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Checks a {@code Gateway}: its listeners' names, ports, protocols and hostnames. */
final class GatewayRules {

  static final String HTTP = "HTTP";
  private static final List<String> LATER_PROTOCOLS = List.of("HTTPS", "TLS", "TCP", "UDP");

  private GatewayRules() {}

  static void check(Gateway gateway, ProblemList problems) {
    if (gateway.spec() == null) {
      problems.expected(gateway, "spec", null, "a mapping with listeners");
      return;
    }
    List<Gateway.Listener> listeners = gateway.spec().listeners();
    if (listeners.isEmpty()) {
      problems.expected(gateway, "spec.listeners", listeners, "at least one listener");
    }
    Map<String, Integer> names = new HashMap<>();
    Map<Integer, Integer> ports = new HashMap<>();
    for (int i = 0; i < listeners.size(); i++) {
      Gateway.Listener listener = listeners.get(i);
      String path = "spec.listeners[" + i + "]";
      if (listener == null) {
        problems.expected(gateway, path, null, "a listener");
        continue;
      }
      if (!NameSyntax.isDnsLabel(listener.name())) {
        problems.expected(
            gateway, path + ".name", listener.name(), "a DNS-1123 label, e.g. http");
      } else {
        Integer first = names.putIfAbsent(listener.name(), i);
        if (first != null) {
          problems.expected(
              gateway,
              path + ".name",
              listener.name(),
              "a unique listener name; also used by spec.listeners[" + first + "]");
        }
      }
      Integer port = listener.port();
      if (port == null || port < 1 || port > 65535) {
        problems.expected(gateway, path + ".port", port, "1..65535");
      } else {
        Integer first = ports.putIfAbsent(port, i);
        if (first != null) {
          problems.expected(
              gateway,
              path + ".port",
              port,
              "a unique port; also used by spec.listeners[" + first + "]");
        }
      }
      String protocol = listener.protocol();
      if (protocol == null) {
        problems.expected(gateway, path + ".protocol", null, HTTP);
      } else if (LATER_PROTOCOLS.contains(protocol)) {
        problems.add(gateway, path + ".protocol", protocol + ": not supported yet (expected: HTTP)");
      } else if (!HTTP.equals(protocol)) {
        problems.expected(gateway, path + ".protocol", protocol, HTTP);
      }
      if (listener.hostname() != null && !NameSyntax.isHostnameOrWildcard(listener.hostname())) {
        problems.expected(
            gateway,
            path + ".hostname",
            listener.hostname(),
            "a hostname like example.com or *.example.com, without port");
      }
    }
  }
}
