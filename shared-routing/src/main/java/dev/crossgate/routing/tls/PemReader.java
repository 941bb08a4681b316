package dev.crossgate.routing.tls;

import java.io.IOException;
import java.io.StringReader;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import java.security.Provider;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads certificates and private keys from PEM with BouncyCastle: certificate chains,
 * PKCS#8 keys ({@code PRIVATE KEY}), PKCS#1 RSA keys ({@code RSA PRIVATE KEY}), SEC1 EC keys
 * ({@code EC PRIVATE KEY}) and encrypted PKCS#8 keys ({@code ENCRYPTED PRIVATE KEY}). Every
 * error names the source and what was expected.
 */
public final class PemReader {

  /**
   * BouncyCastle's JCA provider, made on first use only (encrypted PKCS#8 keys): building it
   * registers thousands of algorithms, megabytes of heap a sidecar reading certificates never needs.
   */
  private static final class Bc {
    static final Provider PROVIDER = new BouncyCastleProvider();
  }

  static final String KEY_BLOCKS = "a PEM private key: PRIVATE KEY (PKCS#8), RSA PRIVATE KEY"
      + " (PKCS#1), EC PRIVATE KEY (SEC1) or ENCRYPTED PRIVATE KEY";

  private PemReader() {}

  /**
   * The certificates in {@code pem}, in order (leaf first for a chain).
   *
   * @throws TlsMaterialException when there is none, a block is not a certificate, or the PEM is
   *     damaged
   */
  public static List<X509Certificate> certificates(PemText pem) throws TlsMaterialException {
    List<X509Certificate> certificates = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    for (Object object : objects(pem)) {
      if (object instanceof X509CertificateHolder holder) {
        try {
          certificates.add(converter.getCertificate(holder));
        } catch (CertificateException e) {
          throw new TlsMaterialException(pem.origin() + ": certificate " + (certificates.size() + 1)
              + " cannot be decoded (" + e.getMessage() + ")", e);
        }
      } else {
        throw new TlsMaterialException(pem.origin() + ": found " + describe(object)
            + " (expected: only CERTIFICATE blocks, the certificate first, then intermediates)");
      }
    }
    if (certificates.isEmpty()) {
      throw new TlsMaterialException(pem.origin()
          + ": no certificate (expected: a PEM block -----BEGIN CERTIFICATE-----)");
    }
    return List.copyOf(certificates);
  }

  /**
   * The one private key in {@code pem}.
   *
   * @param password for an encrypted key, or null
   * @throws TlsMaterialException when there is no key, several, something else, or an encrypted
   *     key without the right password
   */
  public static PrivateKey privateKey(PemText pem, char[] password) throws TlsMaterialException {
    List<Object> objects = new ArrayList<>(objects(pem));
    objects.removeIf(o -> o instanceof ASN1ObjectIdentifier); // EC PARAMETERS before the key
    if (objects.isEmpty()) {
      throw new TlsMaterialException(pem.origin() + ": no private key (expected: "
          + KEY_BLOCKS + ")");
    }
    if (objects.size() > 1) {
      throw new TlsMaterialException(pem.origin() + ": " + objects.size()
          + " PEM blocks (expected: exactly one private key)");
    }
    Object object = objects.get(0);
    try {
      if (object instanceof PrivateKeyInfo info) {
        return jdkKey(pem, info);
      }
      if (object instanceof PEMKeyPair pair) {
        return jdkKey(pem, pair.getPrivateKeyInfo());
      }
      if (object instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
        requirePassword(pem, password);
        InputDecryptorProvider decryptor = new JceOpenSSLPKCS8DecryptorProviderBuilder()
            .setProvider(Bc.PROVIDER).build(password);
        return jdkKey(pem, encrypted.decryptPrivateKeyInfo(decryptor));
      }
      if (object instanceof PEMEncryptedKeyPair) {
        throw new TlsMaterialException(pem.origin() + ": a legacy OpenSSL-encrypted key"
            + " (expected: an unencrypted key or ENCRYPTED PRIVATE KEY (PKCS#8); convert with"
            + " openssl pkcs8 -topk8)");
      }
    } catch (PKCSException e) {
      throw new TlsMaterialException(pem.origin()
          + ": the encrypted private key cannot be decrypted (expected: the right password)", e);
    } catch (IOException | OperatorCreationException e) {
      throw new TlsMaterialException(pem.origin() + ": the private key cannot be decoded ("
          + e.getMessage() + ")", e);
    }
    throw new TlsMaterialException(pem.origin() + ": found " + describe(object)
        + " (expected: " + KEY_BLOCKS + ")");
  }

  /**
   * The key as the JDK's own providers build it, so TLS engines and signatures see standard
   * algorithm names ({@code RSA}, {@code EC}, {@code Ed25519}).
   */
  private static PrivateKey jdkKey(PemText pem, PrivateKeyInfo info)
      throws TlsMaterialException, IOException {
    ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
    String algorithm;
    if (PKCSObjectIdentifiers.rsaEncryption.equals(oid)) {
      algorithm = "RSA";
    } else if (PKCSObjectIdentifiers.id_RSASSA_PSS.equals(oid)) {
      algorithm = "RSASSA-PSS";
    } else if (X9ObjectIdentifiers.id_ecPublicKey.equals(oid)) {
      algorithm = "EC";
      if (info.getPrivateKeyAlgorithm().getParameters() == null) {
        // SEC1 keys carry their curve inside the key: move it to the algorithm identifier
        org.bouncycastle.asn1.sec.ECPrivateKey ec =
            org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
        if (ec.getParametersObject() == null) {
          throw new TlsMaterialException(pem.origin()
              + ": an EC private key without its curve (expected: a key naming its curve)");
        }
        info = new PrivateKeyInfo(new org.bouncycastle.asn1.x509.AlgorithmIdentifier(oid,
            ec.getParametersObject()), ec);
      }
    } else if (EdECObjectIdentifiers.id_Ed25519.equals(oid)) {
      algorithm = "Ed25519";
    } else if (EdECObjectIdentifiers.id_Ed448.equals(oid)) {
      algorithm = "Ed448";
    } else {
      throw new TlsMaterialException(pem.origin() + ": a private key of algorithm " + oid
          + " (expected: RSA, EC, Ed25519 or Ed448)");
    }
    try {
      return KeyFactory.getInstance(algorithm)
          .generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new TlsMaterialException(pem.origin() + ": the " + algorithm
          + " private key cannot be decoded (" + e.getMessage() + ")", e);
    }
  }

  private static void requirePassword(PemText pem, char[] password) throws TlsMaterialException {
    if (password == null) {
      throw new TlsMaterialException(pem.origin()
          + ": an encrypted private key (expected: an unencrypted key, or a password for it)");
    }
  }

  private static List<Object> objects(PemText pem) throws TlsMaterialException {
    List<Object> objects = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(pem.text()))) {
      for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
        objects.add(object);
      }
    } catch (IOException | RuntimeException e) {
      throw new TlsMaterialException(pem.origin() + ": not valid PEM after " + objects.size()
          + " block(s) (" + e.getMessage() + ")", e);
    }
    if (objects.isEmpty()) {
      throw new TlsMaterialException(pem.origin()
          + ": no PEM block (expected: text with -----BEGIN ...----- lines)");
    }
    return objects;
  }

  private static String describe(Object object) {
    if (object instanceof X509CertificateHolder) {
      return "a CERTIFICATE";
    }
    if (object instanceof PrivateKeyInfo || object instanceof PEMKeyPair
        || object instanceof PKCS8EncryptedPrivateKeyInfo
        || object instanceof PEMEncryptedKeyPair) {
      return "a private key";
    }
    if (object instanceof org.bouncycastle.asn1.x509.SubjectPublicKeyInfo) {
      return "a PUBLIC KEY";
    }
    if (object instanceof org.bouncycastle.pkcs.PKCS10CertificationRequest) {
      return "a CERTIFICATE REQUEST";
    }
    return "a " + object.getClass().getSimpleName();
  }
}
