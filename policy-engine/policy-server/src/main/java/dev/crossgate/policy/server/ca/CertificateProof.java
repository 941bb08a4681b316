package dev.crossgate.policy.server.ca;

import dev.crossgate.policy.identity.IdentityProtocol;
import dev.crossgate.policy.server.ca.IdentityException.Reason;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Proves a renewing workload's identity with the certificate it holds instead of a join token:
 * the certificate must be a workload certificate of this trust domain, signed by a trusted root
 * and valid now, and the request must carry the signature of the CSR (its DER) made with that
 * certificate's private key. So only the holder of a live certificate can renew it, and a join
 * token is needed only to join. CPU work: call on a worker thread.
 */
final class CertificateProof {

  private CertificateProof() {}

  /**
   * The identity that {@code certificatePem} proves for {@code csr}, or an
   * {@link IdentityException} (an authentication reason) saying why it proves none.
   *
   * @param signatureBase64 the signature of the CSR's DER by the certificate's key, base64:
   *     SHA256withECDSA for an EC key, SHA256withRSA for RSA, Ed25519 for Ed25519
   */
  static WorkloadIdentity verify(String certificatePem, String signatureBase64,
      PKCS10CertificationRequest csr, List<X509Certificate> trustedRoots, String trustDomain,
      Instant now) {
    X509Certificate leaf;
    try {
      leaf = Pem.certificates(certificatePem, "current_certificate_pem").get(0);
    } catch (IllegalArgumentException e) {
      throw new IdentityException(Reason.MALFORMED_CREDENTIAL, e.getMessage());
    }
    if (trustedRoots.stream().noneMatch(root -> signedBy(leaf, root))) {
      throw new IdentityException(Reason.UNKNOWN_CREDENTIAL, "current_certificate_pem: "
          + leaf.getSubjectX500Principal().getName() + " is not signed by a root of this mesh"
          + " (expected: a certificate the mesh CA issued, from a root it still trusts)");
    }
    try {
      leaf.checkValidity(Date.from(now));
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      throw new IdentityException(Reason.EXPIRED_CREDENTIAL, "current_certificate_pem: valid "
          + leaf.getNotBefore().toInstant() + " to " + leaf.getNotAfter().toInstant()
          + ", not at " + now + " (expected: a certificate valid now; use a join token)");
    }
    SpiffeId id = spiffeId(leaf);
    if (!id.trustDomain().equals(trustDomain)) {
      throw new IdentityException(Reason.UNKNOWN_CREDENTIAL, "current_certificate_pem: "
          + id.uri() + " is not in trust domain " + trustDomain);
    }
    checkPossession(leaf, signatureBase64, csr);
    return new WorkloadIdentity(id.namespace(), id.serviceAccount());
  }

  private static boolean signedBy(X509Certificate leaf, X509Certificate root) {
    if (!leaf.getIssuerX500Principal().equals(root.getSubjectX500Principal())) {
      return false;
    }
    try {
      leaf.verify(root.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static SpiffeId spiffeId(X509Certificate leaf) {
    try {
      if (leaf.getSubjectAlternativeNames() != null) {
        for (List<?> name : leaf.getSubjectAlternativeNames()) {
          if (Integer.valueOf(6).equals(name.get(0))) { // uniformResourceIdentifier
            return SpiffeId.parse(String.valueOf(name.get(1)));
          }
        }
      }
    } catch (CertificateParsingException | IllegalArgumentException e) {
      throw new IdentityException(Reason.MALFORMED_CREDENTIAL,
          "current_certificate_pem: " + e.getMessage());
    }
    throw new IdentityException(Reason.MALFORMED_CREDENTIAL,
        "current_certificate_pem: no URI SAN (expected: a SPIFFE id)");
  }

  private static void checkPossession(X509Certificate leaf, String signatureBase64,
      PKCS10CertificationRequest csr) {
    if (signatureBase64 == null || signatureBase64.isEmpty()) {
      throw new IdentityException(Reason.MALFORMED_CREDENTIAL, "possession_signature: missing"
          + " (expected: the CSR's DER signed with the current certificate's key, base64)");
    }
    byte[] signature;
    try {
      signature = Base64.getDecoder().decode(signatureBase64);
    } catch (IllegalArgumentException e) {
      throw new IdentityException(Reason.MALFORMED_CREDENTIAL,
          "possession_signature: not base64 (" + e.getMessage() + ")");
    }
    String algorithm = IdentityProtocol.possessionAlgorithm(leaf.getPublicKey().getAlgorithm());
    try {
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(leaf.getPublicKey());
      verifier.update(csr.getEncoded());
      if (verifier.verify(signature)) {
        return;
      }
    } catch (GeneralSecurityException | IOException e) {
      // a malformed signature: refused below like a wrong one
    }
    throw new IdentityException(Reason.UNKNOWN_CREDENTIAL, "possession_signature: does not"
        + " verify with the key of current_certificate_pem (expected: the CSR's DER signed with"
        + " " + algorithm + " by the key of that certificate)");
  }
}
