package dev.crossgate.policy.model;

import java.util.List;

/**
 * A {@code Gateway}: the listeners one gateway deployment opens (Kubernetes Gateway API shape).
 *
 * @param apiVersion the API version
 * @param metadata the metadata
 * @param spec the listeners
 */
public record Gateway(String apiVersion, ObjectMeta metadata, Spec spec) implements Resource {

  /** The kind name as written in YAML. */
  public static final String KIND = "Gateway";

  @Override
  public String kind() {
    return KIND;
  }

  /**
   * The gateway specification.
   *
   * @param gatewayClassName accepted for Gateway API compatibility; not used
   * @param listeners the listeners to open
   */
  public record Spec(String gatewayClassName, List<Listener> listeners) {
    public Spec {
      listeners = listeners == null ? List.of() : List.copyOf(listeners);
    }
  }

  /**
   * One listener: a port and protocol, optionally restricted to a hostname.
   *
   * @param name the listener name, referenced by a route's {@code parentRefs[].sectionName}
   * @param port the TCP port, 1..65535
   * @param protocol {@code HTTP} (more protocols come later)
   * @param hostname when set, only routes for this host (exact or {@code *.} wildcard) attach
   */
  public record Listener(String name, Integer port, String protocol, String hostname) {}
}
