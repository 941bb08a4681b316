package dev.crossgate.routing.mesh;

import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.TrustOptions;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The client side of a mesh hop: TLS 1.3 with the workload certificate, the server's chain
 * verified against the trust bundle and its SPIFFE id against the one expected in the handshake
 * ({@link PeerIdentityException} otherwise).
 */
public final class MeshTls {

  private MeshTls() {}

  /**
   * Client TLS options toward peers that must present {@code expectedSpiffeId}.
   *
   * @param alpn whether to offer h2 (then http/1.1) by ALPN
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
