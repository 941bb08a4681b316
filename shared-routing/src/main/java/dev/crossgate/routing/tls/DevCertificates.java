package dev.crossgate.routing.tls;

import dev.crossgate.policy.io.AtomicFiles;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A local development CA and a server certificate it issued, as PEM files in one folder:
 * {@code ca.pem}, {@code ca.key}, {@code server.pem} (leaf then CA) and {@code server.key}.
 * Keys are EC P-256, written PKCS#8 with owner-only permissions. Blocking (key generation and
 * files): call it off the event loop. For development only: the CA key sits beside it.
 */
public final class DevCertificates {

  /** The names the server certificate is for by default. */
  public static final List<String> LOCAL_NAMES = List.of("localhost", "127.0.0.1", "::1");

  /**
   * The files of a development CA and server certificate.
   *
   * @param dir the folder
   * @param created whether they were made now (false: they already existed and were kept)
   */
  public record CertificateFiles(Path dir, boolean created) {
    /** The CA certificate, to trust in browsers and clients. */
    public Path caCertificate() {
      return dir.resolve("ca.pem");
    }

    /** The CA's private key. */
    public Path caKey() {
      return dir.resolve("ca.key");
    }

    /** The server certificate chain. */
    public Path serverCertificate() {
      return dir.resolve("server.pem");
    }

    /** The server's private key. */
    public Path serverKey() {
      return dir.resolve("server.key");
    }
  }

  private DevCertificates() {}

  /**
   * Makes the CA and server certificate in {@code dir} unless a usable pair (the server
   * certificate matching its key) is there already and {@code replace} is false.
   *
   * @param names DNS names and IP addresses the server certificate is for
   * @throws IOException when the files cannot be written
   */
  public static CertificateFiles ensure(Path dir, List<String> names, boolean replace) throws IOException {
    CertificateFiles files = new CertificateFiles(dir, true);
    if (!replace && usable(files)) {
      return new CertificateFiles(dir, false);
    }
    Files.createDirectories(dir);
    KeyPair caKeys = generate();
    X500Name caName = new X500Name("CN=Crossgate Development CA " + Instant.now().getEpochSecond()
        + ", O=Crossgate (development only)");
    Instant now = Instant.now().minus(Duration.ofMinutes(5));
    X509Certificate ca = build(caName, caKeys, caName, caKeys, true, List.of(), now,
        Duration.ofDays(825));
    KeyPair serverKeys = generate();
    X509Certificate server = build(new X500Name("CN=" + names.get(0)), serverKeys, caName,
        caKeys, false, names, now, Duration.ofDays(397));
    writePrivate(files.caKey(), pem(new JcaPKCS8Generator(caKeys.getPrivate(), null).generate()));
    writePrivate(files.serverKey(),
        pem(new JcaPKCS8Generator(serverKeys.getPrivate(), null).generate()));
    write(files.caCertificate(), pem(ca));
    write(files.serverCertificate(), pem(server) + pem(ca));
    return files;
  }

  private static boolean usable(CertificateFiles files) {
    if (!Files.exists(files.serverCertificate()) || !Files.exists(files.serverKey())
        || !Files.exists(files.caCertificate())) {
      return false;
    }
    try {
      CertifiedKey key = CertificateSource.files("server", files.serverCertificate(),
          files.serverKey()).load();
      key.leaf().checkValidity();
      return true;
    } catch (TlsMaterialException | java.security.cert.CertificateException e) {
      return false;
    }
  }

  private static KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC P-256 key generation is not available", e);
    }
  }

  private static X509Certificate build(X500Name subject, KeyPair subjectKeys, X500Name issuer,
      KeyPair issuerKeys, boolean ca, List<String> names, Instant notBefore, Duration validity) {
    try {
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
          new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE), Date.from(notBefore),
          Date.from(notBefore.plus(validity)), subject, subjectKeys.getPublic());
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      builder.addExtension(Extension.subjectKeyIdentifier, false,
          utils.createSubjectKeyIdentifier(subjectKeys.getPublic()));
      builder.addExtension(Extension.authorityKeyIdentifier, false,
          utils.createAuthorityKeyIdentifier(issuerKeys.getPublic()));
      if (ca) {
        builder.addExtension(Extension.keyUsage, true,
            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false,
            new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        GeneralName[] sans = names.stream().map(name -> name.contains(":")
                || name.matches("[0-9.]+") ? new GeneralName(GeneralName.iPAddress, name)
                : new GeneralName(GeneralName.dNSName, name)).toArray(GeneralName[]::new);
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
      }
      PrivateKey signer = issuerKeys.getPrivate();
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    } catch (Exception e) {
      throw new IllegalStateException("cannot build the certificate for " + subject, e);
    }
  }

  private static String pem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }

  private static void write(Path file, String text) throws IOException {
    AtomicFiles.write(file, text);
  }

  private static void writePrivate(Path file, String text) throws IOException {
    AtomicFiles.write(file, text, true);
  }
}
