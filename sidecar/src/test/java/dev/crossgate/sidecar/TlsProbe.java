package dev.crossgate.sidecar;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** Opens a TLS connection only to see which certificate a server presents. */
final class TlsProbe {

  private TlsProbe() {}

  /** The leaf certificate the server on {@code port} presents in its handshake. */
  static X509Certificate serverCertificate(int port) throws Exception {
    AtomicReference<X509Certificate> seen = new AtomicReference<>();
    X509TrustManager recorder = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {
        seen.set(chain[0]);
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(null, new TrustManager[] {recorder}, null);
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(5_000);
      try {
        socket.startHandshake();
        // The server asks for a client certificate this probe does not have: it may refuse later.
        socket.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        socket.getInputStream().read();
      } catch (java.io.IOException expected) {
        // Refused for the missing client certificate, after the server showed its own.
      }
    }
    if (seen.get() == null) {
      throw new AssertionError("the server on " + port + " presented no certificate");
    }
    return seen.get();
  }

  static X509Certificate firstCertificate(String pem) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
        .iterator().next();
  }
}
