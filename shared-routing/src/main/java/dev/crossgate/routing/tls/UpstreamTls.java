package dev.crossgate.routing.tls;

import dev.crossgate.policy.model.Service;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.TrustOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.LinkedHashSet;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;

/**
 * A compiled Service's TLS toward its endpoints: the Vert.x client options (trusted CAs,
 * name verification, client certificate) and the name sent as SNI and verified.
 *
 * @param sslOptions the client TLS options; one instance per Service so its connections pool
 *     apart
 * @param serverName the name verified and sent as SNI, or null to use the endpoint address
 */
public record UpstreamTls(ClientSSLOptions sslOptions, String serverName) {

  /**
   * Builds a Service's upstream TLS. Blocking: reads files.
   *
   * @param baseDir what relative file paths are resolved against
   * @param http2 whether the Service speaks HTTP/2 (offered through ALPN)
   * @throws TlsMaterialException naming the file that cannot be used
   */
  public static UpstreamTls load(Service.Tls tls, Path baseDir, boolean http2)
      throws TlsMaterialException {
    ClientSSLOptions options = new ClientSSLOptions()
        .setHostnameVerificationAlgorithm(
            Boolean.FALSE.equals(tls.verifyServerName()) ? "" : "HTTPS")
        .setEnabledSecureTransportProtocols(new LinkedHashSet<>(List.of("TLSv1.2", "TLSv1.3")))
        .setUseAlpn(http2);
    List<X509Certificate> trusted = null;
    if (tls.caFile() != null) {
      trusted = PemReader.certificates(PemText.read(baseDir.resolve(tls.caFile()).normalize()));
    } else if (tls.caCertificates() != null) {
      trusted = PemReader.certificates(new PemText("inline caCertificates",
          tls.caCertificates()));
    }
    if (trusted != null) {
      options.setTrustOptions(TrustOptions.wrap(trustManagers(trusted)));
    }
    if (tls.clientCertificate() != null) {
      CertifiedKey client = CertificateSource.of(tls.clientCertificate(), "clientCertificate",
          baseDir).load();
      options.setKeyCertOptions(KeyCertOptions.wrap(new SniKeyManager(List.of(client))));
    }
    return new UpstreamTls(options, tls.serverName());
  }

  private static TrustManagerFactory trustManagers(List<X509Certificate> trusted)
      throws TlsMaterialException {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < trusted.size(); i++) {
        store.setCertificateEntry("ca-" + i, trusted.get(i));
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return factory;
    } catch (GeneralSecurityException | IOException e) {
      throw new TlsMaterialException("the trusted CA certificates cannot be used (" + e + ")", e);
    }
  }
}
