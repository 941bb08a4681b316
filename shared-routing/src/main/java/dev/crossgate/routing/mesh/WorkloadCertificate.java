package dev.crossgate.routing.mesh;

import static java.util.Objects.requireNonNull;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.time.Duration;
import java.time.Instant;

/**
 * The sidecar's current mesh certificate: its private key (in memory only), the chain the engine
 * signed, and the trust bundle of peers. {@link #toString()} never shows the key.
 *
 * @param spiffeId the identity in the certificate
 * @param notBefore when it starts being valid
 * @param notAfter when it expires
 */
public record WorkloadCertificate(String spiffeId, Instant notBefore, Instant notAfter,
    String privateKeyPem, String chainPem, String trustBundlePem) {

  public WorkloadCertificate {
    requireNonNull(spiffeId, "spiffeId");
    requireNonNull(notBefore, "notBefore");
    requireNonNull(notAfter, "notAfter");
    requireNonNull(privateKeyPem, "privateKeyPem");
    requireNonNull(chainPem, "chainPem");
    requireNonNull(trustBundlePem, "trustBundlePem");
  }

  /**
   * The key and chain as Vert.x key options, for TLS servers and clients: an in-memory key
   * manager, the same instance for the same key and chain (see {@link WorkloadKeyOptions}).
   *
   * @throws IllegalArgumentException when the key or the chain cannot be read
   */
  public KeyCertOptions keyCertOptions() {
    return WorkloadKeyOptions.of(this);
  }

  /** The trust bundle as Vert.x trust options. */
  public PemTrustOptions trustOptions() {
    return new PemTrustOptions().addCertValue(Buffer.buffer(trustBundlePem));
  }

  /** The same certificate and key with another trust bundle. */
  public WorkloadCertificate withTrustBundle(String bundlePem) {
    return new WorkloadCertificate(spiffeId, notBefore, notAfter, privateKeyPem, chainPem,
        bundlePem);
  }

  /**
   * Hex SHA-256 of the DER of the last certificate in the chain (the root the engine signed
   * with); empty when the chain holds the leaf alone.
   */
  public String issuerRootSha256() {
    try {
      var certificates = java.security.cert.CertificateFactory.getInstance("X.509")
          .generateCertificates(new java.io.ByteArrayInputStream(
              chainPem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
      if (certificates.size() < 2) {
        return "";
      }
      java.security.cert.Certificate root = null;
      for (java.security.cert.Certificate certificate : certificates) {
        root = certificate;
      }
      return java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(root.getEncoded()));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("unreadable certificate chain: " + e.getMessage(), e);
    }
  }

  /** The instant halfway through the certificate's life, when it is renewed. */
  public Instant halfLife() {
    return notBefore.plus(Duration.between(notBefore, notAfter).dividedBy(2));
  }

  @Override
  public String toString() {
    return "WorkloadCertificate[" + spiffeId + ", " + notBefore + " to " + notAfter + "]";
  }
}
