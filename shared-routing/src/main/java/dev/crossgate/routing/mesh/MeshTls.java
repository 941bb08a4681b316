package dev.crossgate.routing.mesh;

import dev.crossgate.routing.tls.PemReader;
import dev.crossgate.routing.tls.PemText;
import dev.crossgate.routing.tls.TlsMaterialException;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.TrustOptions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.LinkedHashSet;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;

/**
 * The client side of a mesh hop: TLS 1.3 with the workload certificate, the server's chain
 * verified against the trust bundle and its SPIFFE id against the one expected in the handshake
 * ({@link PeerIdentityException} otherwise).
 *
 * <p>The key and chain go in as a {@link KeyManagerFactory} built here, once per call, not as
 * PEM text: Vert.x copies a request's TLS options and hashes and compares them to find the
 * connection pool on every request, and PEM options would be copied, hashed and compared byte by
 * byte each time, where a key manager compares by identity.
 */
public final class MeshTls {

  /** The password of the in-memory key store; it never leaves this process. */
  private static final char[] IN_MEMORY = "crossgate-mesh".toCharArray();

  private MeshTls() {}

  /**
   * Client TLS options toward peers that must present {@code expectedSpiffeId}.
   *
   * @param alpn whether to offer h2 (then http/1.1) by ALPN
   * @throws IllegalArgumentException when the certificate's key or chain cannot be read
   */
  public static ClientSSLOptions client(WorkloadCertificate certificate, String expectedSpiffeId,
      boolean alpn) {
    return new ClientSSLOptions()
        .setKeyCertOptions(keyManager(certificate))
        .setTrustOptions(TrustOptions.wrap(
            SpiffeTrustManager.of(certificate.trustBundlePem(), expectedSpiffeId)))
        // Mesh peers are named by SPIFFE id, checked by the trust manager, not by host name.
        .setHostnameVerificationAlgorithm("")
        .setEnabledSecureTransportProtocols(new LinkedHashSet<>(List.of("TLSv1.3")))
        .setUseAlpn(alpn);
  }

  /** The certificate's key and chain as a key manager. */
  static KeyCertOptions keyManager(WorkloadCertificate certificate) {
    try {
      List<java.security.cert.X509Certificate> chain = PemReader.certificates(
          new PemText("the mesh certificate of " + certificate.spiffeId(),
              certificate.chainPem()));
      var key = PemReader.privateKey(new PemText("the mesh key of " + certificate.spiffeId(),
          certificate.privateKeyPem()), null);
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("mesh", key, IN_MEMORY, chain.toArray(new Certificate[0]));
      KeyManagerFactory factory = KeyManagerFactory.getInstance(
          KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, IN_MEMORY);
      return KeyCertOptions.wrap(factory);
    } catch (TlsMaterialException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalArgumentException("the mesh certificate of " + certificate.spiffeId()
          + " cannot be used as a TLS client key: " + e, e);
    }
  }
}
