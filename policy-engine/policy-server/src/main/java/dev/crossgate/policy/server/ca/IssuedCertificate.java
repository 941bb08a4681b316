package dev.crossgate.policy.server.ca;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A certificate the CA issued.
 *
 * @param chainPem the workload certificate then the issuing root, as PEM
 * @param trustBundlePem every root a peer's certificate may chain to, as PEM
 * @param spiffeId the identity in the certificate's URI SAN
 * @param notAfter when the certificate expires
 */
public record IssuedCertificate(String chainPem, String trustBundlePem, SpiffeId spiffeId,
    Instant notAfter) {

  public IssuedCertificate {
    requireNonNull(chainPem, "chainPem");
    requireNonNull(trustBundlePem, "trustBundlePem");
    requireNonNull(spiffeId, "spiffeId");
    requireNonNull(notAfter, "notAfter");
  }
}
