package dev.crossgate.routing.mesh;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a mesh server only when its chain verifies against the trust bundle and its leaf's
 * SPIFFE id is the expected one, so a connection to the wrong workload fails in the handshake,
 * before any byte of the request is sent.
 */
final class SpiffeTrustManager extends X509ExtendedTrustManager {

  private final X509ExtendedTrustManager bundle;
  private final String expected;

  private SpiffeTrustManager(X509ExtendedTrustManager bundle, String expected) {
    this.bundle = bundle;
    this.expected = expected;
  }

  /** Trusts servers chaining to a root of {@code bundlePem} that present {@code expected}. */
  static SpiffeTrustManager of(String bundlePem, String expected) {
    requireNonNull(expected, "expected");
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int i = 0;
      for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(
          new ByteArrayInputStream(bundlePem.getBytes(StandardCharsets.US_ASCII)))) {
        store.setCertificateEntry("root-" + i++, certificate);
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509ExtendedTrustManager extended) {
          return new SpiffeTrustManager(extended, expected);
        }
      }
      throw new IllegalStateException("no X.509 trust manager for the mesh trust bundle");
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("the mesh trust bundle cannot be used: " + e.getMessage(), e);
    }
  }

  private void checkIdentity(X509Certificate[] chain) throws CertificateException {
    String actual = PeerIdentity.spiffeId(chain.length == 0 ? List.of() : List.of(chain[0]))
        .orElse("none");
    if (!actual.equals(expected)) {
      throw new PeerIdentityException(actual, expected);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    bundle.checkServerTrusted(chain, authType, engine);
    checkIdentity(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    bundle.checkServerTrusted(chain, authType, socket);
    checkIdentity(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    bundle.checkServerTrusted(chain, authType);
    checkIdentity(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("a mesh client trust manager does not verify clients");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("a mesh client trust manager does not verify clients");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("a mesh client trust manager does not verify clients");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return bundle.getAcceptedIssuers();
  }
}
