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
   * @param httpsRedirect for {@code HTTP}: answer every request with a redirect to HTTPS
   *     instead of routing it
   */
  public record Listener(
      @Doc("The listener name, referenced by a route's parentRefs[].sectionName.") String name,
      @Doc("The TCP port, 1..65535.") Integer port,
      @Doc(value = "The listener protocol.", allowed = {"HTTP", "HTTPS", "TCP"}) String protocol,
      @Doc("When set, only routes for this host (exact or *. wildcard) attach.") String hostname,
      @Doc("For HTTPS: how TLS is terminated.") Tls tls,
      @Doc("For HTTP: redirect every request to HTTPS instead of routing it.")
          HttpsRedirect httpsRedirect) {

    /** A listener without TLS. */
    public Listener(String name, Integer port, String protocol, String hostname) {
      this(name, port, protocol, hostname, null, null);
    }

    /** A listener without an HTTPS redirect. */
    public Listener(String name, Integer port, String protocol, String hostname, Tls tls) {
      this(name, port, protocol, hostname, tls, null);
    }
  }

  /**
   * Redirects an HTTP listener's requests to HTTPS.
   *
   * @param port the HTTPS port put in the {@code Location}; 443 (then omitted) when not set
   * @param statusCode {@code 301} (default) or {@code 308}
   */
  public record HttpsRedirect(
      @Doc(value = "The HTTPS port put in the Location header.", defaultValue = "443")
          Integer port,
      @Doc(value = "The redirect status.", defaultValue = "301", allowed = {"301", "308"})
          Integer statusCode) {}

  /**
   * TLS settings of an {@code HTTPS} listener.
   *
   * @param mode {@code Terminate}: TLS ends at the gateway
   * @param certificateRefs the certificates served, chosen by SNI
   * @param minVersion the lowest TLS version accepted, {@code 1.2} (default) or {@code 1.3}
   * @param hsts the {@code Strict-Transport-Security} header added to responses; none when
   *     omitted
   */
  public record Tls(
      @Doc(value = "How TLS is handled.", defaultValue = "Terminate", allowed = {"Terminate"})
          String mode,
      @Doc("The certificates served, chosen by SNI; at least one.")
          List<CertificateRef> certificateRefs,
      @Doc(value = "The lowest TLS version accepted.", defaultValue = "1.2",
              allowed = {"1.2", "1.3"})
          String minVersion,
      @Doc("The Strict-Transport-Security header added to responses; none when omitted.")
          Hsts hsts) {
    public Tls {
      certificateRefs = certificateRefs == null ? List.of() : List.copyOf(certificateRefs);
    }

    /** TLS settings without HSTS. */
    public Tls(String mode, List<CertificateRef> certificateRefs, String minVersion) {
      this(mode, certificateRefs, minVersion, null);
    }
  }

  /**
   * HTTP Strict Transport Security: tells browsers to use HTTPS only.
   *
   * @param maxAge how long browsers remember it
   * @param includeSubDomains whether it covers subdomains too
   * @param preload whether to add {@code preload}
   */
  public record Hsts(
      @Doc(value = "How long browsers remember to use HTTPS only.", defaultValue = "8760h")
          GatewayDuration maxAge,
      @Doc(value = "Whether subdomains are covered too.", defaultValue = "false")
          Boolean includeSubDomains,
      @Doc(value = "Whether to add preload.", defaultValue = "false") Boolean preload) {}

  /**
   * A certificate with its chain and private key, in PEM: either files ({@code certificateFile}
   * and {@code keyFile}, read by the data plane and reloaded when they change) or inline text
   * ({@code certificate} and {@code key}). The first of a listener's certificates is the
   * default; the others are chosen by the name the client asks for (SNI).
   *
   * @param name the certificate name, unique in the listener
   * @param certificateFile a PEM file with the certificate, then its intermediates
   * @param keyFile a PEM file with the private key (PKCS#8, PKCS#1 RSA or SEC1 EC)
   * @param certificate the certificate chain as inline PEM
   * @param key the private key as inline PEM
   */
  public record CertificateRef(
      @Doc("The certificate name, unique in the listener.") String name,
      @Doc("A PEM file with the certificate, then its intermediates.") String certificateFile,
      @Doc("A PEM file with the private key: PKCS#8, PKCS#1 RSA or SEC1 EC.") String keyFile,
      @Doc("The certificate chain as inline PEM.") String certificate,
      @Doc("The private key as inline PEM.") String key) {

    /** A reference to a certificate by name only. */
    public CertificateRef(String name) {
      this(name, null, null, null, null);
    }

    /** A reference to PEM files. */
    public static CertificateRef files(String name, String certificateFile, String keyFile) {
      return new CertificateRef(name, certificateFile, keyFile, null, null);
    }
  }
}
