package dev.crossgate.policy.server.ca;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** PEM reading and writing for the CA, through BouncyCastle's PEM parser and writer. */
final class Pem {

  private Pem() {}

  /** {@code objects} as PEM blocks, one after the other. */
  static String write(Object... objects) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      for (Object object : objects) {
        if (object instanceof PrivateKey key) {
          // PKCS#8 "PRIVATE KEY", whatever the algorithm.
          writer.writeObject(new JcaPKCS8Generator(key, null));
        } else {
          writer.writeObject(object);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** Every certificate in {@code pem}, in order; {@code what} names the text in errors. */
  static List<X509Certificate> certificates(String pem, String what) {
    List<X509Certificate> certificates = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object object;
      while ((object = parser.readObject()) != null) {
        if (!(object instanceof X509CertificateHolder holder)) {
          throw new IllegalArgumentException(what + ": a " + object.getClass().getSimpleName()
              + " block (expected: CERTIFICATE blocks only)");
        }
        certificates.add(converter.getCertificate(holder));
      }
    } catch (IOException | CertificateException e) {
      throw new IllegalArgumentException(what + ": not PEM certificates (" + e.getMessage() + ")", e);
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException(what + ": no CERTIFICATE block (expected: PEM)");
    }
    return certificates;
  }

  /** The private key in {@code pem} (PKCS#8 or a traditional EC/RSA key pair). */
  static PrivateKey privateKey(String pem, String what) {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object object = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (object instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (object instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      // Never echo the text: it may be key material.
      throw new IllegalArgumentException(what + ": "
          + (object == null ? "no PEM block" : "a " + object.getClass().getSimpleName() + " block")
          + " (expected: an unencrypted PRIVATE KEY or EC/RSA PRIVATE KEY block)");
    } catch (IOException e) {
      throw new IllegalArgumentException(what + ": not a PEM private key", e);
    }
  }

  /** The PKCS#10 request in {@code pem}, or an {@link IdentityException} saying why not. */
  static PKCS10CertificationRequest csr(String pem) {
    Object object;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      object = parser.readObject();
    } catch (IOException | RuntimeException e) {
      throw new IdentityException(IdentityException.Reason.MALFORMED_CSR,
          "csr: not a PEM certificate request (" + e.getMessage() + ")");
    }
    if (object instanceof PKCS10CertificationRequest request) {
      return request;
    }
    throw new IdentityException(IdentityException.Reason.MALFORMED_CSR, "csr: "
        + (object == null ? "no PEM block" : "a " + object.getClass().getSimpleName() + " block")
        + " (expected: a CERTIFICATE REQUEST block)");
  }

  /** Hex SHA-256 of {@code certificate}'s DER encoding. */
  static String sha256(X509Certificate certificate) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(certificate.getEncoded()));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot hash a certificate: " + e.getMessage(), e);
    }
  }
}
