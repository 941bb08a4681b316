package dev.crossgate.routing.mesh;

import static java.util.Objects.requireNonNull;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
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

  /** The key and chain as Vert.x key options, for TLS servers and clients. */
  public PemKeyCertOptions keyCertOptions() {
    return new PemKeyCertOptions().addKeyValue(Buffer.buffer(privateKeyPem))
        .addCertValue(Buffer.buffer(chainPem));
  }

  /** The trust bundle as Vert.x trust options. */
  public PemTrustOptions trustOptions() {
    return new PemTrustOptions().addCertValue(Buffer.buffer(trustBundlePem));
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
