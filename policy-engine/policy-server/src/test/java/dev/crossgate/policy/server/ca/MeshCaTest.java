package dev.crossgate.policy.server.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossgate.policy.server.ca.IdentityException.Reason;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MeshCaTest {

  private static final Instant NOW = Instant.parse("2026-11-29T01:00:00Z");
  private static final WorkloadIdentity REVIEWS = new WorkloadIdentity("shop", "reviews");
  private static RootCa root;
  private static MeshCa ca;

  @BeforeAll
  static void createRoot() {
    root = RootCa.generate("example.org", NOW);
    ca = new MeshCa(root, "example.org", Duration.ofHours(24));
  }

  @Test
  void issuesACertificateWithTheSpiffeIdAsItsOnlyUriSan() throws Exception {
    KeyPair pair = TestCsrs.ec();
    IssuedCertificate issued = ca.issue(TestCsrs.csr(pair, null), REVIEWS, NOW);

    List<X509Certificate> chain = Pem.certificates(issued.chainPem(), "chain");
    X509Certificate leaf = chain.get(0);
    assertThat(issued.spiffeId().uri()).isEqualTo("spiffe://example.org/ns/shop/sa/reviews");
    assertThat(leaf.getSubjectAlternativeNames())
        .containsExactly(List.of(6, "spiffe://example.org/ns/shop/sa/reviews"));
    assertThat(leaf.getPublicKey()).isEqualTo(pair.getPublic());
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    assertThat(leaf.getExtendedKeyUsage())
        .containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(chain.get(1)).isEqualTo(root.certificate());
  }

  @Test
  void theCertificateLastsTheConfiguredTimeFromNowBackdatedOneMinute() throws Exception {
    MeshCa shortLived = new MeshCa(root, "example.org", Duration.ofMinutes(30));
    IssuedCertificate issued = shortLived.issue(TestCsrs.csr(TestCsrs.ec(), null), REVIEWS, NOW);
    X509Certificate leaf = Pem.certificates(issued.chainPem(), "chain").get(0);

    assertThat(leaf.getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofMinutes(1)));
    assertThat(leaf.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofMinutes(30)));
    assertThat(issued.notAfter()).isEqualTo(NOW.plus(Duration.ofMinutes(30)));
  }

  @Test
  void theChainValidatesAgainstTheTrustBundleAndNotAgainstAnotherRoot() throws Exception {
    IssuedCertificate issued = ca.issue(TestCsrs.csr(TestCsrs.ec(), null), REVIEWS, NOW);
    X509Certificate leaf = Pem.certificates(issued.chainPem(), "chain").get(0);
    X509Certificate trusted = Pem.certificates(issued.trustBundlePem(), "bundle").get(0);

    validate(leaf, trusted);

    X509Certificate other = RootCa.generate("example.org", NOW).certificate();
    assertThatThrownBy(() -> validate(leaf, other))
        .isInstanceOf(java.security.cert.CertPathValidatorException.class);
  }

  @Test
  void aCsrAskingForTheSameIdentityIsAccepted() throws Exception {
    IssuedCertificate issued = ca.issue(
        TestCsrs.csr(TestCsrs.ec(), "spiffe://example.org/ns/shop/sa/reviews"), REVIEWS, NOW);
    assertThat(issued.spiffeId()).isEqualTo(new SpiffeId("example.org", "shop", "reviews"));
  }

  @Test
  void aCsrAskingForAnotherIdentityIsASanMismatch() throws Exception {
    String csr = TestCsrs.csr(TestCsrs.ec(), "spiffe://example.org/ns/shop/sa/payments");
    assertThatThrownBy(() -> ca.issue(csr, REVIEWS, NOW))
        .isInstanceOfSatisfying(IdentityException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.SAN_MISMATCH))
        .hasMessage("csr: subjectAltName spiffe://example.org/ns/shop/sa/payments "
            + "(expected: only spiffe://example.org/ns/shop/sa/reviews, the identity the credential proves)");
  }

  @Test
  void aCsrSignedByAnotherKeyHasABadSignature() throws Exception {
    KeyPair claimed = TestCsrs.ec();
    KeyPair signer = TestCsrs.ec();
    String csr = TestCsrs.csr(claimed.getPublic(), signer.getPrivate(), null);
    assertThatThrownBy(() -> ca.issue(csr, REVIEWS, NOW))
        .isInstanceOfSatisfying(IdentityException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.BAD_CSR_SIGNATURE))
        .hasMessageContaining("signature does not verify");
  }

  @Test
  void aWeakRsaKeyIsRefused() throws Exception {
    String csr = TestCsrs.csr(TestCsrs.rsa(1024), null);
    assertThatThrownBy(() -> ca.issue(csr, REVIEWS, NOW))
        .isInstanceOfSatisfying(IdentityException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_KEY))
        .hasMessage("csr: RSA key of 1024 bits (expected: >= 2048)");
  }

  @Test
  void textThatIsNotACsrIsMalformed() {
    assertThatThrownBy(() -> ca.issue(root.certificatePem(), REVIEWS, NOW))
        .isInstanceOfSatisfying(IdentityException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_CSR))
        .hasMessage("csr: a X509CertificateHolder block (expected: a CERTIFICATE REQUEST block)");
    assertThatThrownBy(() -> ca.issue("hello", REVIEWS, NOW))
        .isInstanceOfSatisfying(IdentityException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_CSR));
  }

  @Test
  void theRootNeverShowsItsKeyInToStringAndRoundTripsThroughItsStoredForm() {
    assertThat(root.toString()).doesNotContain("PRIVATE").contains("Crossgate mesh CA example.org");
    RootCa read = RootCa.parseStored(root.toPem());
    assertThat(read.certificate()).isEqualTo(root.certificate());
    assertThat(read.key().getEncoded()).isEqualTo(root.key().getEncoded());
  }

  @Test
  void anOperatorKeyThatDoesNotMatchTheCertificateIsRefused() {
    RootCa other = RootCa.generate("example.org", NOW);
    String keyOnly = other.toPem().substring(other.toPem().indexOf("-----BEGIN PRIVATE KEY"));
    assertThatThrownBy(() -> RootCa.fromPem(root.certificatePem(), keyOnly))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("root key: does not match the root certificate's public key");
  }

  @Test
  void spiffeIdsParseAndExplainWhatIsWrong() {
    assertThat(SpiffeId.parse("spiffe://td/ns/a/sa/b")).isEqualTo(new SpiffeId("td", "a", "b"));
    assertThatThrownBy(() -> SpiffeId.parse("spiffe://td/a/b"))
        .hasMessage("SPIFFE id: spiffe://td/a/b (expected: spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>)");
    assertThatThrownBy(() -> new SpiffeId("td", "Shop", "b"))
        .hasMessageStartingWith("namespace: Shop (expected: lower-case letters");
  }

  private static void validate(X509Certificate leaf, X509Certificate trusted) throws Exception {
    PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(trusted, null)));
    parameters.setRevocationEnabled(false);
    parameters.setDate(Date.from(NOW));
    CertPathValidator.getInstance("PKIX").validate(
        CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), parameters);
  }
}
