package dev.crossgate.routing.tls;

import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The TLS settings of every Crossgate server: TLS 1.2 and 1.3 only, forward-secret AEAD cipher
 * suites, ALPN {@code h2} and {@code http/1.1}, certificates chosen by {@link SniKeyManager}
 * on the JDK's TLS engine.
 */
public final class TlsServerOptions {

  /** TLS 1.3 suites, then TLS 1.2 ECDHE suites with AES-GCM or ChaCha20-Poly1305. */
  public static final List<String> CIPHER_SUITES = List.of(
      "TLS_AES_128_GCM_SHA256",
      "TLS_AES_256_GCM_SHA384",
      "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private TlsServerOptions() {}

  /** The protocols enabled for a minimum version of {@code 1.2} or {@code 1.3}. */
  public static Set<String> protocols(String minVersion) {
    return "1.3".equals(minVersion) ? Set.of("TLSv1.3") : Set.of("TLSv1.2", "TLSv1.3");
  }

  /** Server TLS options serving {@code keys} (the first is the default). */
  public static ServerSSLOptions of(List<CertifiedKey> keys, String minVersion) {
    ServerSSLOptions options = new ServerSSLOptions()
        .setKeyCertOptions(KeyCertOptions.wrap(new SniKeyManager(keys)))
        .setEnabledSecureTransportProtocols(new LinkedHashSet<>(protocols(minVersion)))
        .setUseAlpn(true)
        .setApplicationLayerProtocols(List.of("h2", "http/1.1"))
        .setSni(false);
    CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
    return options;
  }

  /**
   * Turns TLS on in {@code options} with {@code keys}; HTTP/2 is offered through ALPN beside
   * HTTP/1.1.
   */
  public static HttpServerOptions apply(HttpServerOptions options, List<CertifiedKey> keys,
      String minVersion) {
    options.setSsl(true)
        .setSslEngineOptions(new JdkSSLEngineOptions())
        .setKeyCertOptions(KeyCertOptions.wrap(new SniKeyManager(keys)))
        .setEnabledSecureTransportProtocols(new LinkedHashSet<>(protocols(minVersion)))
        .setUseAlpn(true)
        .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1))
        .setSni(false);
    CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
    return options;
  }
}
