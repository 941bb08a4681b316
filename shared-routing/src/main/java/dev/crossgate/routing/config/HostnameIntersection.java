package dev.crossgate.routing.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The hostnames a route serves on a listener, per the Gateway API: a listener hostname narrows
 * the route's hostnames to those it covers.
 */
final class HostnameIntersection {

  private HostnameIntersection() {}

  /**
   * The effective hostnames, or null when the route does not attach to the listener at all.
   * An empty result means "every host".
   */
  static List<String> of(String listenerHostname, List<String> routeHostnames) {
    List<String> route = routeHostnames.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    if (listenerHostname == null || listenerHostname.isEmpty()) {
      return route;
    }
    String listener = listenerHostname.toLowerCase(Locale.ROOT);
    if (route.isEmpty()) {
      return List.of(listener);
    }
    List<String> result = new ArrayList<>();
    for (String host : route) {
      if (covers(listener, host)) {
        result.add(host);
      } else if (covers(host, listener)) {
        result.add(listener);
      }
    }
    return result.isEmpty() ? null : List.copyOf(result);
  }

  /** Whether pattern {@code outer} matches every host {@code inner} matches. */
  private static boolean covers(String outer, String inner) {
    if (outer.equals(inner)) {
      return true;
    }
    if (outer.startsWith("*.")) {
      String suffix = outer.substring(1);
      String innerBase = inner.startsWith("*.") ? inner.substring(1) : inner;
      return innerBase.endsWith(suffix) && innerBase.length() > suffix.length();
    }
    return false;
  }
}
