package dev.crossgate.policy.validation;

import dev.crossgate.policy.model.Gateway;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Checks a {@code Gateway}: its listeners' names, ports, protocols and hostnames. */
final class GatewayRules {

  static final String HTTP = "HTTP";
  static final String HTTPS = "HTTPS";

  private GatewayRules() {}

  private static void checkProtocol(
      Gateway gateway,
      Gateway.Listener listener,
      String path,
      ValidationOptions options,
      ProblemList problems) {
    List<String> enabled = options.enabledInOrder();
    List<String> later =
        ValidationOptions.KNOWN_LISTENER_PROTOCOLS.stream()
            .filter(p -> !enabled.contains(p))
            .toList();
    String expected =
        String.join(" or ", enabled)
            + (later.isEmpty()
                ? ""
                : "; " + String.join(" and ", later) + (later.size() == 1 ? " is" : " are")
                    + " not supported yet");
    String protocol = listener.protocol();
    if (protocol == null || !enabled.contains(protocol)) {
      problems.expected(
          gateway,
          path + ".protocol",
          protocol,
          expected + (later.contains(protocol) ? "" : NameSuggestions.hint(protocol, enabled)));
      return;
    }
    Gateway.Tls tls = listener.tls();
    FieldChecks checks = new FieldChecks(gateway, problems);
    if (listener.httpsRedirect() != null) {
      if (HTTP.equals(protocol)) {
        TlsRules.checkHttpsRedirect(listener.httpsRedirect(), path + ".httpsRedirect", checks);
      } else {
        problems.add(gateway, path + ".httpsRedirect",
            "set (expected: only for protocol HTTP, but protocol is " + protocol + ")");
      }
    }
    if (!HTTPS.equals(protocol)) {
      if (tls != null) {
        problems.add(gateway, path + ".tls", "set (expected: only for protocol HTTPS, but protocol is " + protocol + ")");
      }
      return;
    }
    if (tls == null) {
      problems.expected(gateway, path + ".tls", null, "a tls mapping with certificateRefs for protocol HTTPS");
      return;
    }
    TlsRules.checkListenerTls(tls, path + ".tls", checks);
  }

  static void check(Gateway gateway, ValidationOptions options, ProblemList problems) {
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
      checkProtocol(gateway, listener, path, options, problems);
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
