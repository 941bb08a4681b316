package dev.crossgate.routing.tls;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * A certificate chain with its private key, checked to belong together.
 *
 * @param name the certificate's name in the configuration
 * @param chain the leaf certificate first, then intermediates
 * @param key the leaf's private key
 * @param hostnames the DNS names the leaf is for (subject alternative names, else the common
 *     name), lower-case; used to choose it by SNI
 */
public record CertifiedKey(String name, List<X509Certificate> chain, PrivateKey key,
    List<String> hostnames) {

  private static final byte[] PROBE = "crossgate key check".getBytes(StandardCharsets.US_ASCII);

  public CertifiedKey {
    Objects.requireNonNull(name, "name");
    chain = List.copyOf(chain);
    Objects.requireNonNull(key, "key");
    hostnames = List.copyOf(hostnames);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("chain: [] (expected: at least the leaf certificate)");
    }
  }

  /**
   * Reads a certificate chain and its key from PEM and checks that the key is the leaf's.
   *
   * @param password for an encrypted key, or null
   * @throws TlsMaterialException naming the source when either cannot be read or the key does
   *     not match the certificate
   */
  public static CertifiedKey of(String name, PemText certificate, PemText key, char[] password)
      throws TlsMaterialException {
    List<X509Certificate> chain = PemReader.certificates(certificate);
    PrivateKey privateKey = PemReader.privateKey(key, password);
    X509Certificate leaf = chain.get(0);
    if (!matches(privateKey, leaf)) {
      throw new TlsMaterialException(key.origin() + ": the " + privateKey.getAlgorithm()
          + " private key does not match the certificate in " + certificate.origin()
          + " (subject " + leaf.getSubjectX500Principal().getName() + ", "
          + leaf.getPublicKey().getAlgorithm() + " public key; expected: the key the"
          + " certificate was issued for)");
    }
    return new CertifiedKey(name, chain, privateKey, hostnames(leaf));
  }

  /** The leaf certificate. */
  public X509Certificate leaf() {
    return chain.get(0);
  }

  /** The key algorithm as TLS key managers name it: {@code RSA}, {@code EC}, {@code EdDSA}… */
  public String keyType() {
    String algorithm = key.getAlgorithm();
    return "ECDSA".equals(algorithm) ? "EC" : algorithm;
  }

  /** Whether this certificate serves {@code host} (exact, or a one-label {@code *.} wildcard). */
  public boolean serves(String host) {
    String wanted = host.toLowerCase(Locale.ROOT);
    for (String name : hostnames) {
      if (name.equals(wanted)) {
        return true;
      }
      if (name.startsWith("*.")) {
        int dot = wanted.indexOf('.');
        if (dot > 0 && wanted.substring(dot).equals(name.substring(1))) {
          return true;
        }
      }
    }
    return false;
  }

  /** Signs a probe with the private key and verifies it with the certificate's public key. */
  private static boolean matches(PrivateKey key, X509Certificate leaf) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC", "ECDSA" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      case "Ed448" -> "Ed448";
      default -> null;
    };
    if (algorithm == null
        || !sameFamily(key.getAlgorithm(), leaf.getPublicKey().getAlgorithm())) {
      return false;
    }
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(PROBE);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(leaf.getPublicKey());
      verifier.update(PROBE);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static boolean sameFamily(String keyAlgorithm, String publicAlgorithm) {
    String a = keyAlgorithm.equals("ECDSA") ? "EC" : keyAlgorithm;
    String b = publicAlgorithm.equals("ECDSA") ? "EC" : publicAlgorithm;
    return a.equals(b) || (a.startsWith("Ed") && (b.startsWith("Ed")));
  }

  private static List<String> hostnames(X509Certificate leaf) {
    List<String> names = new ArrayList<>();
    try {
      var sans = leaf.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (Integer.valueOf(2).equals(san.get(0))) {
            names.add(san.get(1).toString().toLowerCase(Locale.ROOT));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // no usable alternative names: fall back to the common name
    }
    if (names.isEmpty()) {
      try {
        for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
          if ("CN".equalsIgnoreCase(rdn.getType())) {
            names.add(rdn.getValue().toString().toLowerCase(Locale.ROOT));
          }
        }
      } catch (javax.naming.InvalidNameException e) {
        // no common name either: served only as the default
      }
    }
    return names;
  }
}
