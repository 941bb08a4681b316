package dev.crossgate.sidecar.proxy;

import static java.util.Objects.requireNonNull;

import dev.crossgate.routing.mesh.WorkloadCertificate;
import io.netty.handler.ssl.SslHandler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.net.SslChannelProvider;
import io.vertx.core.internal.tls.SslContextManager;
import io.vertx.core.internal.tls.SslContextProvider;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The inbound port's TLS, made per connection once its first bytes said it is TLS: TLS 1.3, a
 * client certificate from the trust bundle required, h2 and http/1.1 offered by ALPN, in the
 * mesh TLS engine (BoringSSL or the JDK's). Built with Vert.x's own TLS plumbing
 * ({@link SslContextManager}, {@link SslChannelProvider}), as Vert.x's servers build theirs, so
 * the handler it makes is the one a Vert.x TLS server would put in its pipeline.
 */
final class InboundTls {

  /** How long a caller may take to finish its handshake. */
  static final long HANDSHAKE_TIMEOUT_SECONDS = 10;
  /** The only TLS version the inbound port speaks. */
  static final Set<String> TLS_1_3 = Set.of("TLSv1.3");
  private static final List<String> ALPN = List.of("h2", "http/1.1");

  private final VertxInternal vertx;
  private final SslContextManager manager;
  private volatile SslChannelProvider provider;

  InboundTls(Vertx vertx, SSLEngineOptions engine) {
    this.vertx = (VertxInternal) requireNonNull(vertx, "vertx");
    this.manager = new SslContextManager(SslContextManager.resolveEngineOptions(engine, true));
  }

  /** The server options of {@code certificate}: TLS 1.3, client certificate required, ALPN. */
  static ServerSSLOptions options(WorkloadCertificate certificate) {
    return new ServerSSLOptions().setClientAuth(ClientAuth.REQUIRED)
        .setKeyCertOptions(certificate.keyCertOptions())
        .setTrustOptions(certificate.trustOptions())
        .setEnabledSecureTransportProtocols(TLS_1_3)
        .setUseAlpn(true)
        .setApplicationLayerProtocols(ALPN);
  }

  /** Uses {@code certificate} for the connections that start once the answer succeeded. */
  Future<Void> use(WorkloadCertificate certificate, ContextInternal context) {
    return manager.resolveSslContextProvider(options(certificate), null, ClientAuth.REQUIRED,
            ALPN, context)
        .map(resolved -> {
          provider = new SslChannelProvider(vertx, resolved, false);
          return null;
        });
  }

  /** A new server-side TLS handler for one connection. */
  SslHandler newHandler() {
    SslChannelProvider current = provider;
    if (current == null) {
      throw new IllegalStateException("no certificate yet");
    }
    return (SslHandler) current.createServerHandler(true, HANDSHAKE_TIMEOUT_SECONDS,
        TimeUnit.SECONDS, null);
  }

  /** The provider now in use (for tests and the config dump). */
  SslContextProvider provider() {
    SslChannelProvider current = provider;
    return current == null ? null : current.sslContextProvider();
  }
}
