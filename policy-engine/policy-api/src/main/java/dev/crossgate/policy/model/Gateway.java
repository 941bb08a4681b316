package dev.crossgate.policy.model;

import java.util.List;

/**
 * A {@code Gateway}: the listeners one gateway deployment opens (Kubernetes Gateway API shape).
 *
 * @param apiVersion the API version
 * @param metadata the metadata
 * @param spec the listeners
 */
public record Gateway(
    @Doc("The API version.") String apiVersion,
    @Doc("The metadata.") ObjectMeta metadata,
    @Doc("The listeners.") Spec spec) implements Resource {

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
  public record Spec(
      @Doc("Accepted for Gateway API compatibility; not used.") String gatewayClassName,
      @Doc("The listeners to open.") List<Listener> listeners) {
    public Spec {
      listeners = listeners == null ? List.of() : List.copyOf(listeners);
    }
  }

  /**
   * One listener: a port and protocol, optionally restricted to a hostname.
   *
   * @param name the listener name, referenced by a route's {@code parentRefs[].sectionName}
   * @param port the TCP port, 1..65535
   * @param protocol {@code HTTP}, {@code HTTPS} or {@code TCP}; a data plane accepts only the
   *     protocols it has enabled (see {@code ValidationOptions}), {@code HTTP} by default
   * @param hostname when set, only routes for this host (exact or {@code *.} wildcard) attach
   * @param tls for {@code HTTPS}: how TLS is terminated; not allowed for other protocols
   */
  public record Listener(
      @Doc("The listener name, referenced by a route's parentRefs[].sectionName.") String name,
      @Doc("The TCP port, 1..65535.") Integer port,
      @Doc(value = "The listener protocol.", allowed = {"HTTP", "HTTPS", "TCP"}) String protocol,
      @Doc("When set, only routes for this host (exact or *. wildcard) attach.") String hostname,
      @Doc("For HTTPS: how TLS is terminated.") Tls tls) {

    /** A listener without TLS. */
    public Listener(String name, Integer port, String protocol, String hostname) {
      this(name, port, protocol, hostname, null);
    }
  }

  /**
   * TLS settings of an {@code HTTPS} listener.
   *
   * @param mode {@code Terminate}: TLS ends at the gateway
   * @param certificateRefs the certificates served, chosen by SNI
   * @param minVersion the lowest TLS version accepted, {@code 1.2} (default) or {@code 1.3}
   */
  public record Tls(
      @Doc(value = "How TLS is handled.", defaultValue = "Terminate", allowed = {"Terminate"})
          String mode,
      @Doc("The certificates served, chosen by SNI; at least one.")
          List<CertificateRef> certificateRefs,
      @Doc(value = "The lowest TLS version accepted.", defaultValue = "1.2",
              allowed = {"1.2", "1.3"})
          String minVersion) {
    public Tls {
      certificateRefs = certificateRefs == null ? List.of() : List.copyOf(certificateRefs);
    }
  }

  /**
   * A reference to a certificate and its key.
   *
   * @param name the certificate name
   */
  public record CertificateRef(@Doc("The certificate name.") String name) {}
}
