package dev.crossgate.testkit;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
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
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.openssl.PKCS8Generator;

/**
 * Certificates for tests, made with BouncyCastle: a CA, and leaf certificates it issues for
 * DNS names and IP addresses, with their keys in every PEM flavour Crossgate reads.
 */
public final class TestCertificates {

  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  /** The key algorithm of a generated certificate. */
  public enum KeyType { RSA, EC }

  private final X509Certificate certificate;
  private final KeyPair keys;

  private TestCertificates(X509Certificate certificate, KeyPair keys) {
    this.certificate = certificate;
    this.keys = keys;
  }

  /** A new self-signed CA with an EC P-256 key, valid for a day. */
  public static TestCertificates ca(String commonName) {
    KeyPair keys = generate(KeyType.EC);
    X500Name name = new X500Name("CN=" + commonName);
    return new TestCertificates(build(name, keys, name, keys.getPrivate(), true, List.of(),
        Instant.now().minus(Duration.ofHours(1)), Duration.ofDays(1)), keys);
  }

  /** The CA certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The CA certificate as PEM. */
  public String certificatePem() {
    return pem(certificate);
  }

  /** Writes the CA certificate to {@code file}. */
  public Path writeCertificate(Path file) {
    return write(file, certificatePem());
  }

  /**
   * A leaf certificate for {@code names} (DNS names or IP addresses; the first is also the
   * common name), issued by this CA, valid for a day.
   */
  public Leaf issue(KeyType type, String... names) {
    return issue(type, Instant.now().minus(Duration.ofHours(1)), Duration.ofDays(1), names);
  }

  /** A leaf certificate valid from {@code notBefore} for {@code validity}. */
  public Leaf issue(KeyType type, Instant notBefore, Duration validity, String... names) {
    KeyPair leafKeys = generate(type);
    X509Certificate leaf = build(new X500Name("CN=" + names[0]), leafKeys,
        new X500Name(certificate.getSubjectX500Principal().getName()), keys.getPrivate(), false,
        List.of(names), notBefore, validity);
    return new Leaf(leaf, leafKeys, this);
  }

  /** An SSL context trusting only this CA, for the JDK HTTP client. */
  public SSLContext trustingContext() {
    try {
      var store = java.security.KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("ca", certificate);
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), new SecureRandom());
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A certificate issued by a {@link TestCertificates} CA, with its key. */
  public static final class Leaf {
    private final X509Certificate certificate;
    private final KeyPair keys;
    private final TestCertificates issuer;

    private Leaf(X509Certificate certificate, KeyPair keys, TestCertificates issuer) {
      this.certificate = certificate;
      this.keys = keys;
      this.issuer = issuer;
    }

    /** The certificate. */
    public X509Certificate certificate() {
      return certificate;
    }

    /** The private key. */
    public PrivateKey privateKey() {
      return keys.getPrivate();
    }

    /** The leaf certificate as PEM. */
    public String certificatePem() {
      return pem(certificate);
    }

    /** The leaf, then the CA certificate, as PEM. */
    public String chainPem() {
      return pem(certificate) + issuer.certificatePem();
    }

    /** The key as PKCS#8 ({@code PRIVATE KEY}). */
    public String pkcs8KeyPem() {
      try {
        return pem(new JcaPKCS8Generator(keys.getPrivate(), null).generate());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /**
     * The key in OpenSSL's traditional form: PKCS#1 ({@code RSA PRIVATE KEY}) for RSA, SEC1
     * ({@code EC PRIVATE KEY}) for EC.
     */
    public String traditionalKeyPem() {
      try {
        if (keys.getPrivate().getAlgorithm().equals("EC")) {
          // SEC1 with the curve inside, as openssl writes it
          var info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(
              keys.getPrivate().getEncoded());
          var inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
          var curve = info.getPrivateKeyAlgorithm().getParameters();
          var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, inner.getKey(),
              new org.bouncycastle.asn1.DERBitString(
                  org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(
                      keys.getPublic().getEncoded()).getPublicKeyData().getBytes()), curve);
          return pem(new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY",
              sec1.getEncoded()));
        }
        return pem(new JcaMiscPEMGenerator(keys.getPrivate()).generate());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The key as encrypted PKCS#8 ({@code ENCRYPTED PRIVATE KEY}, AES-256-CBC). */
    public String encryptedKeyPem(char[] password) {
      try {
        var encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
            .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
            .setPassword(password).build();
        return pem(new JcaPKCS8Generator(keys.getPrivate(), encryptor).generate());
      } catch (IOException | org.bouncycastle.operator.OperatorCreationException e) {
        throw new IllegalStateException(e);
      }
    }

    /** Writes {@code <name>.pem} (the chain) and {@code <name>.key} (PKCS#8) into {@code dir}. */
    public PemFiles write(Path dir, String name) {
      return new PemFiles(TestCertificates.write(dir.resolve(name + ".pem"), chainPem()),
          TestCertificates.write(dir.resolve(name + ".key"), pkcs8KeyPem()));
    }
  }

  /**
   * A certificate file and its key file.
   *
   * @param certificate the chain's file
   * @param key the key's file
   */
  public record PemFiles(Path certificate, Path key) {}

  private static KeyPair generate(KeyType type) {
    try {
      if (type == KeyType.RSA) {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
      }
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate build(X500Name subject, KeyPair subjectKeys, X500Name issuer,
      PrivateKey issuerKey, boolean ca, List<String> names, Instant notBefore,
      Duration validity) {
    try {
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
          BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore),
          Date.from(notBefore.plus(validity)), subject, subjectKeys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      builder.addExtension(Extension.keyUsage, true, ca
          ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
          : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      if (!names.isEmpty()) {
        List<GeneralName> sans = new ArrayList<>();
        for (String name : names) {
          sans.add(isIp(name) ? new GeneralName(GeneralName.iPAddress, name)
              : new GeneralName(GeneralName.dNSName, name));
        }
        builder.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(sans.toArray(GeneralName[]::new)));
      }
      String algorithm = issuerKey.getAlgorithm().equals("RSA") ? "SHA256withRSA"
          : "SHA256withECDSA";
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKey)));
    } catch (Exception e) {
      throw new IllegalStateException("cannot build a test certificate for " + subject, e);
    }
  }

  private static boolean isIp(String name) {
    if (name.contains(":")) {
      return true;
    }
    if (!name.matches("[0-9.]+")) {
      return false;
    }
    try {
      return InetAddress.getByName(name) != null;
    } catch (IOException e) {
      return false;
    }
  }

  private static String pem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static Path write(Path file, String text) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      return Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
