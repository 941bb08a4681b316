package dev.crossgate.policy.server.ca;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the engine runs its mesh CA.
 *
 * @param trustDomain the trust domain in every SPIFFE id (default {@code crossgate.local})
 * @param certificateTtl how long workload certificates last (default 24 h; 1 min to 90 days)
 * @param rootCertificate an operator's root certificate (PEM) to use instead of a generated one,
 *     or {@code null}; when set, {@code rootKey} must be too
 * @param rootKey the unencrypted private key (PEM) of {@code rootCertificate}, or {@code null}
 */
public record MeshCaOptions(String trustDomain, Duration certificateTtl, Path rootCertificate,
    Path rootKey) {

  public static final String DEFAULT_TRUST_DOMAIN = "crossgate.local";
  public static final Duration DEFAULT_CERTIFICATE_TTL = Duration.ofHours(24);
  static final Duration MIN_TTL = Duration.ofMinutes(1);
  static final Duration MAX_TTL = Duration.ofDays(90);

  public MeshCaOptions {
    SpiffeId.checkTrustDomain(trustDomain);
    checkTtl(certificateTtl);
    if ((rootCertificate == null) != (rootKey == null)) {
      throw new IllegalArgumentException("rootCertificate/rootKey: "
          + (rootCertificate == null ? "only a key" : "only a certificate")
          + " given (expected: both or neither)");
    }
  }

  /** A generated root, trust domain {@code crossgate.local}, 24-hour certificates. */
  public static MeshCaOptions defaults() {
    return new MeshCaOptions(DEFAULT_TRUST_DOMAIN, DEFAULT_CERTIFICATE_TTL, null, null);
  }

  public MeshCaOptions withTrustDomain(String domain) {
    return new MeshCaOptions(domain, certificateTtl, rootCertificate, rootKey);
  }

  public MeshCaOptions withCertificateTtl(Duration ttl) {
    return new MeshCaOptions(trustDomain, ttl, rootCertificate, rootKey);
  }

  /** Uses the operator's root in these PEM files instead of generating one. */
  public MeshCaOptions withRoot(Path certificate, Path key) {
    return new MeshCaOptions(trustDomain, certificateTtl, requireNonNull(certificate, "certificate"),
        requireNonNull(key, "key"));
  }

  static Duration checkTtl(Duration ttl) {
    requireNonNull(ttl, "certificateTtl");
    if (ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException(
          "certificateTtl: " + ttl + " (expected: between " + MIN_TTL + " and " + MAX_TTL + ")");
    }
    return ttl;
  }
}
