package dev.crossgate.policy.server.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossgate.policy.identity.IdentityProtocol;
import dev.crossgate.policy.server.ca.IdentityException.Reason;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Renewal proven by the certificate held (no join token): the CA's side, with fixed clocks. The
 * end-to-end call over gRPC is in {@link IdentityServiceTest}.
 */
class CertificateRenewalTest {

  private static final Instant NOW = Instant.parse("2026-11-29T01:00:00Z");
  private static final WorkloadIdentity REVIEWS = new WorkloadIdentity("shop", "reviews");
  private static RootCa root;
  private static MeshCa ca;

  @BeforeAll
  static void createRoot() {
    root = RootCa.generate("example.org", NOW);
    ca = new MeshCa(root, "example.org", Duration.ofHours(24));
  }

  /** A certificate the CA issued, with the key that holds it. */
  private record Held(String chainPem, PrivateKey key) {}

  private static Held issue(KeyPair pair, MeshCa by) throws Exception {
    return new Held(by.issue(TestCsrs.csr(pair, null), REVIEWS, NOW).chainPem(),
        pair.getPrivate());
  }

  private static String proof(PrivateKey key, String csrPem) throws Exception {
    Signature signer = Signature.getInstance(
        IdentityProtocol.possessionAlgorithm(key.getAlgorithm()));
    signer.initSign(key);
    signer.update(Pem.csr(csrPem).getEncoded());
    return Base64.getEncoder().encodeToString(signer.sign());
  }

  @Test
  void theHolderOfALiveCertificateRenewsItsIdentityWithANewKey() throws Exception {
    for (KeyPair held : List.of(TestCsrs.ec(), TestCsrs.rsa(2048))) {
      Held current = issue(held, ca);
      KeyPair next = TestCsrs.ec();
      String csr = TestCsrs.csr(next, null);

      IssuedCertificate renewed = ca.renew(csr, current.chainPem(), proof(current.key(), csr),
          NOW.plus(Duration.ofHours(12)));

      assertThat(renewed.spiffeId().uri()).isEqualTo("spiffe://example.org/ns/shop/sa/reviews");
      X509Certificate leaf = Pem.certificates(renewed.chainPem(), "chain").get(0);
      assertThat(leaf.getPublicKey()).isEqualTo(next.getPublic());
      assertThat(leaf.getNotAfter().toInstant())
          .isEqualTo(NOW.plus(Duration.ofHours(36)));
    }
  }

  @Test
  void aProofMadeWithAnotherKeyIsRefused() throws Exception {
    Held current = issue(TestCsrs.ec(), ca);
    String csr = TestCsrs.csr(TestCsrs.ec(), null);
    assertRefused(() -> ca.renew(csr, current.chainPem(), proof(TestCsrs.ec().getPrivate(), csr),
            NOW), Reason.UNKNOWN_CREDENTIAL,
        "possession_signature: does not verify with the key of current_certificate_pem"
            + " (expected: the CSR's DER signed with SHA256withECDSA by the key of that"
            + " certificate)");
    // a proof over another CSR does not carry over either
    String other = TestCsrs.csr(TestCsrs.ec(), null);
    assertRefused(() -> ca.renew(csr, current.chainPem(), proof(current.key(), other), NOW),
        Reason.UNKNOWN_CREDENTIAL, "possession_signature: does not verify");
  }

  @Test
  void aCertificateFromAnotherCaIsRefused() throws Exception {
    MeshCa stranger = new MeshCa(RootCa.generate("example.org", NOW), "example.org",
        Duration.ofHours(24));
    Held foreign = issue(TestCsrs.ec(), stranger);
    String csr = TestCsrs.csr(TestCsrs.ec(), null);
    assertRefused(() -> ca.renew(csr, foreign.chainPem(), proof(foreign.key(), csr), NOW),
        Reason.UNKNOWN_CREDENTIAL, "is not signed by a root of this mesh (expected: a"
            + " certificate the mesh CA issued, from a root it still trusts)");
  }

  @Test
  void anExpiredCertificateIsRefusedAndNamesItsValidity() throws Exception {
    Held current = issue(TestCsrs.ec(), ca);
    String csr = TestCsrs.csr(TestCsrs.ec(), null);
    Instant later = NOW.plus(Duration.ofHours(25));
    assertRefused(() -> ca.renew(csr, current.chainPem(), proof(current.key(), csr), later),
        Reason.EXPIRED_CREDENTIAL, "current_certificate_pem: valid 2026-11-29T00:59:00Z to"
            + " 2026-11-30T01:00:00Z, not at 2026-11-30T02:00:00Z (expected: a certificate valid"
            + " now; use a join token)");
  }

  @Test
  void malformedProofsAreRefusedPrecisely() throws Exception {
    Held current = issue(TestCsrs.ec(), ca);
    String csr = TestCsrs.csr(TestCsrs.ec(), null);
    assertRefused(() -> ca.renew(csr, current.chainPem(), "", NOW), Reason.MALFORMED_CREDENTIAL,
        "possession_signature: missing (expected: the CSR's DER signed with the current"
            + " certificate's key, base64)");
    assertRefused(() -> ca.renew(csr, current.chainPem(), "not base64!", NOW),
        Reason.MALFORMED_CREDENTIAL, "possession_signature: not base64");
    assertRefused(() -> ca.renew(csr, "hello", proof(current.key(), csr), NOW),
        Reason.MALFORMED_CREDENTIAL, "current_certificate_pem: no CERTIFICATE block");
  }

  @Test
  void theRenewalMayNotAskForAnotherIdentity() throws Exception {
    Held current = issue(TestCsrs.ec(), ca);
    String csr = TestCsrs.csr(TestCsrs.ec(), "spiffe://example.org/ns/shop/sa/admin");
    assertThatThrownBy(() -> ca.renew(csr, current.chainPem(), proof(current.key(), csr), NOW))
        .isInstanceOfSatisfying(IdentityException.class, refused -> {
          assertThat(refused.reason()).isEqualTo(Reason.SAN_MISMATCH);
          assertThat(refused.getMessage())
              .contains("spiffe://example.org/ns/shop/sa/admin");
        });
  }

  private interface Call {
    Object run() throws Exception;
  }

  private static void assertRefused(Call call, Reason reason, String message) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(IdentityException.class, refused -> {
      assertThat(refused.reason()).isEqualTo(reason);
      assertThat(refused.reason().authentication()).isTrue();
      assertThat(refused.getMessage()).contains(message);
    });
  }
}
