package dev.crossgate.routing.mesh;

import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.TrustOptions;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The client side of a mesh hop: TLS 1.3 with the workload certificate, the server's chain
 * verified against the trust bundle and its SPIFFE id against the one expected in the handshake
 * ({@link PeerIdentityException} otherwise).
 *
 * <p>The key and chain go in as the certificate's in-memory key manager
 * ({@link WorkloadCertificate#keyCertOptions()}), not as PEM text: Vert.x copies a request's TLS
 * options and hashes and compares them to find the connection pool on every request, and PEM
 * options would be copied, hashed and compared byte by byte each time, where a key manager
 * compares by identity.
 */
public final class MeshTls {

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
        .setKeyCertOptions(certificate.keyCertOptions())
        .setTrustOptions(TrustOptions.wrap(
            SpiffeTrustManager.of(certificate.trustBundlePem(), expectedSpiffeId)))
        // Mesh peers are named by SPIFFE id, checked by the trust manager, not by host name.
        .setHostnameVerificationAlgorithm("")
        .setEnabledSecureTransportProtocols(new LinkedHashSet<>(List.of("TLSv1.3")))
        .setUseAlpn(alpn);
  }
}
