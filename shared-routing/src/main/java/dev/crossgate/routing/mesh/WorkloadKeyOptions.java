package dev.crossgate.routing.mesh;

import dev.crossgate.routing.tls.CertifiedKey;
import dev.crossgate.routing.tls.SniKeyManager;
import io.vertx.core.net.KeyCertOptions;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * A workload certificate's key and chain as Vert.x key options over an in-memory key manager.
 *
 * <p>Vert.x's {@code PemKeyCertOptions} puts the key into a PKCS#12 key store, which encrypts it
 * with PBKDF2 (10,000 HMAC-SHA256 rounds) and decrypts it twice, for every TLS context it builds:
 * most of a sidecar's start-up CPU before the JIT has warmed up. This reads the PKCS#8 key and the
 * chain once with the JDK and hands them to a key manager directly. The options are kept per key
 * and chain (weakly, by the key's PEM text), so equal certificates give the same instance and
 * Vert.x reuses the TLS context it built for them.
 */
final class WorkloadKeyOptions {

  private static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String END = "-----END PRIVATE KEY-----";
  private static final Map<String, Entry> CACHE = Collections.synchronizedMap(new WeakHashMap<>());

  private record Entry(String chainPem, KeyCertOptions options) {}

  private WorkloadKeyOptions() {}

  /** The key options of {@code certificate}: the same instance for the same key and chain. */
  static KeyCertOptions of(WorkloadCertificate certificate) {
    // The key's PEM string itself is the weak key: it lives as long as a certificate holding it.
    String keyPem = certificate.privateKeyPem();
    Entry entry = CACHE.get(keyPem);
    if (entry == null || !entry.chainPem().equals(certificate.chainPem())) {
      entry = new Entry(certificate.chainPem(), build(certificate));
      CACHE.put(keyPem, entry);
    }
    return entry.options();
  }

  private static KeyCertOptions build(WorkloadCertificate certificate) {
    List<X509Certificate> chain;
    PrivateKey key;
    try {
      chain = chain(certificate.chainPem());
      key = privateKey(certificate.privateKeyPem(), chain.get(0).getPublicKey().getAlgorithm());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the mesh certificate of " + certificate.spiffeId()
          + ": " + e.getMessage(), e);
    }
    return KeyCertOptions.wrap(new SniKeyManager(List.of(
        new CertifiedKey(certificate.spiffeId(), chain, key, List.of()))));
  }

  private static List<X509Certificate> chain(String chainPem) {
    try {
      List<X509Certificate> chain = new ArrayList<>();
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(
          new ByteArrayInputStream(chainPem.getBytes(StandardCharsets.US_ASCII)))) {
        chain.add((X509Certificate) c);
      }
      if (chain.isEmpty()) {
        throw new IllegalArgumentException(
            "workload certificate chain: no certificate (expected: PEM CERTIFICATE blocks)");
      }
      return chain;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "workload certificate chain: unreadable (" + e.getMessage() + ")", e);
    }
  }

  /** An unencrypted PKCS#8 PEM key, as {@link CsrBuilder#privateKeyPem} writes it. */
  static PrivateKey privateKey(String pem, String algorithm) {
    int begin = pem.indexOf(BEGIN);
    int end = pem.indexOf(END, Math.max(begin, 0));
    if (begin < 0 || end < 0) {
      throw new IllegalArgumentException("workload private key: no " + BEGIN
          + " ... " + END + " block (expected: an unencrypted PKCS#8 key)");
    }
    try {
      byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + BEGIN.length(), end));
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("workload private key: not a PKCS#8 " + algorithm
          + " key (" + e.getMessage() + ")", e);
    }
  }
}
