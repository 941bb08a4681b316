package dev.crossgate.policy.server.ca;

import static java.util.Objects.requireNonNull;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Signs workload certificates with the mesh root: short-lived, one URI SAN
 * {@code spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>}, usable as TLS client and
 * server. Signing is CPU work: call {@link #issue} on a worker thread.
 */
public final class MeshCa {

  /** Certificates start this long before "now", for peers whose clocks run a little behind. */
  static final Duration BACKDATE = Duration.ofMinutes(1);

  private final RootCa root;
  private final List<X509Certificate> trusted;
  private final String trustBundlePem;
  /** Each trusted root's PEM, written once: every snapshot built carries them. */
  private final List<String> trustRootsPem;
  private final String signingRootSha256;
  private final String trustDomain;
  private final Duration certificateTtl;

  /** A CA whose one root signs and is the only one trusted. */
  public MeshCa(RootCa root, String trustDomain, Duration certificateTtl) {
    this(root, List.of(root.certificate()), trustDomain, certificateTtl);
  }

  /**
   * A CA signing with {@code root} whose trust bundle is {@code trusted} (during a rotation, old
   * and new roots).
   */
  public MeshCa(RootCa root, List<X509Certificate> trusted, String trustDomain,
      Duration certificateTtl) {
    this.root = requireNonNull(root, "root");
    this.trusted = List.copyOf(trusted);
    if (!this.trusted.contains(root.certificate())) {
      throw new IllegalArgumentException("trusted: the signing root is missing (expected: "
          + "the bundle to hold it)");
    }
    this.trustBundlePem = Pem.write(this.trusted.toArray());
    this.trustRootsPem = this.trusted.stream().map(c -> Pem.write(c)).toList();
    this.signingRootSha256 = Pem.sha256(root.certificate());
    this.trustDomain = SpiffeId.checkTrustDomain(trustDomain);
    this.certificateTtl = MeshCaOptions.checkTtl(certificateTtl);
  }

  /**
   * Issues a certificate for {@code identity} from {@code csrPem} after checking the request
   * (signature, key, requested names); fails with an {@link IdentityException} saying what was
   * wrong.
   */
  public IssuedCertificate issue(String csrPem, WorkloadIdentity identity, Instant now) {
    requireNonNull(csrPem, "csrPem");
    requireNonNull(identity, "identity");
    SpiffeId id = identity.in(trustDomain);
    PKCS10CertificationRequest csr = Pem.csr(csrPem);
    PublicKey key = CsrCheck.check(csr, id);
    Instant notAfter = now.plus(certificateTtl);
    Instant rootExpiry = root.certificate().getNotAfter().toInstant();
    if (notAfter.isAfter(rootExpiry)) {
      notAfter = rootExpiry;
    }
    X509Certificate certificate = sign(key, id, now.minus(BACKDATE), notAfter);
    return new IssuedCertificate(Pem.write(certificate, root.certificate()), trustBundlePem(), id,
        certificate.getNotAfter().toInstant());
  }

  /**
   * Issues a renewal: the identity is the one {@code currentCertificatePem} proves (see {@link
   * CertificateProof}), with {@code possessionSignature} over the CSR made by its key; then as
   * {@link #issue}. Fails with an {@link IdentityException} saying what was wrong.
   */
  public IssuedCertificate renew(String csrPem, String currentCertificatePem,
      String possessionSignature, Instant now) {
    requireNonNull(csrPem, "csrPem");
    WorkloadIdentity identity = CertificateProof.verify(currentCertificatePem,
        possessionSignature, Pem.csr(csrPem), trusted, trustDomain, now);
    return issue(csrPem, identity, now);
  }

  /** The roots peers trust, as PEM. */
  public String trustBundlePem() {
    return trustBundlePem;
  }

  /** The trusted roots, each as its own PEM block. */
  public List<String> trustRootsPem() {
    return trustRootsPem;
  }

  /** Hex SHA-256 of the signing root's DER. */
  public String signingRootSha256() {
    return signingRootSha256;
  }

  /** The trust domain of every certificate this CA issues. */
  public String trustDomain() {
    return trustDomain;
  }

  /** How long issued certificates last. */
  public Duration certificateTtl() {
    return certificateTtl;
  }

  private X509Certificate sign(PublicKey key, SpiffeId id, Instant notBefore, Instant notAfter) {
    try {
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(root.certificate(),
          RootCa.serial(), Date.from(notBefore), Date.from(notAfter),
          new X500Name("O=" + trustDomain + ",OU=" + id.namespace() + ",CN=" + id.serviceAccount()),
          key);
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
          new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
          new GeneralName(GeneralName.uniformResourceIdentifier, id.uri())));
      builder.addExtension(Extension.subjectKeyIdentifier, false,
          utils.createSubjectKeyIdentifier(key));
      builder.addExtension(Extension.authorityKeyIdentifier, false,
          utils.createAuthorityKeyIdentifier(root.certificate()));
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(RootCa.signer(root.key())));
    } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot sign a certificate for " + id + ": " + e.getMessage(), e);
    }
  }
}
