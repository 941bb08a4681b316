package dev.crossgate.policy.server.ca;

import static java.util.Objects.requireNonNull;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The mesh's root: a self-signed CA certificate and its private key. {@link #toString()} never
 * shows the key; {@link #toPem()} is only for the engine's own store.
 *
 * @param certificate the self-signed root certificate
 * @param key its private key
 */
public record RootCa(X509Certificate certificate, PrivateKey key) {

  /** How long a generated root is valid: ten years. */
  public static final Duration ROOT_VALIDITY = Duration.ofDays(3650);

  static final SecureRandom RANDOM = new SecureRandom();

  public RootCa {
    requireNonNull(certificate, "certificate");
    requireNonNull(key, "key");
    if (certificate.getBasicConstraints() < 0) {
      throw new IllegalArgumentException("root certificate " + certificate.getSubjectX500Principal()
          + ": not a CA (expected: basicConstraints CA:TRUE)");
    }
  }

  /**
   * Generates an EC P-256 root for {@code trustDomain}, valid from {@code now}. Slow: call it on
   * a worker thread.
   */
  public static RootCa generate(String trustDomain, Instant now) {
    SpiffeId.checkTrustDomain(trustDomain);
    try {
      KeyPair pair = newKeyPair();
      X500Name subject = new X500Name("O=Crossgate,CN=Crossgate mesh CA " + trustDomain);
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
          Date.from(now.minus(Duration.ofMinutes(1))), Date.from(now.plus(ROOT_VALIDITY)), subject,
          pair.getPublic());
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(Extension.subjectKeyIdentifier, false,
          utils.createSubjectKeyIdentifier(pair.getPublic()));
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
          new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://" + trustDomain)));
      X509Certificate certificate = new JcaX509CertificateConverter()
          .getCertificate(builder.build(signer(pair.getPrivate())));
      return new RootCa(certificate, pair.getPrivate());
    } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot generate the mesh root CA: " + e.getMessage(), e);
    }
  }

  /** Reads an operator's root from PEM text: a CA certificate and its unencrypted private key. */
  public static RootCa fromPem(String certificatePem, String keyPem) {
    List<X509Certificate> certificates = Pem.certificates(certificatePem, "root certificate");
    if (certificates.size() != 1) {
      throw new IllegalArgumentException("root certificate: " + certificates.size()
          + " certificates (expected: exactly one)");
    }
    X509Certificate certificate = certificates.get(0);
    PrivateKey key = Pem.privateKey(keyPem, "root key");
    RootCa root = new RootCa(certificate, key);
    root.checkKeyMatches();
    return root;
  }

  /** The certificate and key as PEM, the certificate first: for the engine's store only. */
  public String toPem() {
    return Pem.write(certificate, key);
  }

  /** Reads what {@link #toPem()} wrote. */
  public static RootCa parseStored(String pem) {
    String end = "-----END CERTIFICATE-----";
    int split = pem.indexOf(end);
    if (split < 0) {
      throw new IllegalArgumentException("stored root: no certificate (expected: certificate then key)");
    }
    split += end.length();
    return fromPem(pem.substring(0, split), pem.substring(split));
  }

  /** The certificate alone, as PEM: what peers trust. */
  public String certificatePem() {
    return Pem.write(certificate);
  }

  @Override
  public String toString() {
    return "RootCa[" + certificate.getSubjectX500Principal() + ", expires "
        + certificate.getNotAfter().toInstant() + "]";
  }

  private void checkKeyMatches() {
    try {
      X509v3CertificateBuilder probe = new JcaX509v3CertificateBuilder(
          new X500Name("CN=probe"), BigInteger.ONE, new Date(), new Date(), new X500Name("CN=probe"),
          certificate.getPublicKey());
      X509Certificate signed =
          new JcaX509CertificateConverter().getCertificate(probe.build(signer(key)));
      signed.verify(certificate.getPublicKey());
    } catch (GeneralSecurityException | OperatorCreationException | RuntimeException e) {
      throw new IllegalArgumentException("root key: does not match the root certificate's public key "
          + "(expected: the private key of " + certificate.getSubjectX500Principal() + ")", e);
    }
  }

  static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  static BigInteger serial() {
    return new BigInteger(159, RANDOM).add(BigInteger.ONE);
  }

  static org.bouncycastle.operator.ContentSigner signer(PrivateKey key)
      throws OperatorCreationException {
    String algorithm = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    return new JcaContentSignerBuilder(algorithm).build(key);
  }
}
