package dev.crossgate.sidecar.tls;

import io.netty.handler.ssl.OpenSsl;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS implementation of the sidecar's mesh TLS (inbound mTLS listeners, outbound mesh HTTP
 * and TCP clients): {@link #OPENSSL} is BoringSSL through netty-tcnative, {@link #JDK} the JDK's
 * {@code SSLEngine}. Chosen by {@code --tls-engine} or the system property
 * {@value #PROPERTY}; by default BoringSSL when its native library loads, else the JDK.
 */
public enum TlsEngine {

  /** BoringSSL (netty-tcnative-boringssl-static). */
  OPENSSL,
  /** The JDK's {@code SSLEngine}. */
  JDK;

  /** The system property that picks the engine when {@code --tls-engine} is not given. */
  public static final String PROPERTY = "crossgate.sidecar.tls-engine";

  private static final Logger LOG = LoggerFactory.getLogger(TlsEngine.class);

  /**
   * The engine named {@code value} ({@code openssl} or {@code jdk}, any case).
   *
   * @throws IllegalArgumentException naming the value and what was expected
   */
  public static TlsEngine parse(String source, String value) {
    if (value != null) {
      switch (value.trim().toLowerCase(Locale.ROOT)) {
        case "openssl":
          return OPENSSL;
        case "jdk":
          return JDK;
        default:
          break;
      }
    }
    throw new IllegalArgumentException(source + ": '" + value + "' (expected: openssl or jdk)");
  }

  /**
   * The default: the system property {@value #PROPERTY} when set, else {@link #OPENSSL} when
   * BoringSSL is available, else {@link #JDK} (logged once, with the reason).
   *
   * @throws IllegalArgumentException when the property holds another value
   */
  public static TlsEngine defaultEngine() {
    String property = System.getProperty(PROPERTY);
    if (property != null) {
      return parse("-D" + PROPERTY, property);
    }
    return Available.DEFAULT;
  }

  /** The default without the property, worked out (and logged) once. */
  private static final class Available {
    static final TlsEngine DEFAULT = probe();

    private static TlsEngine probe() {
      if (OpenSSLEngineOptions.isAvailable()) {
        return OPENSSL;
      }
      LOG.info("TLS engine: jdk (BoringSSL is not available: {})", unavailability());
      return JDK;
    }
  }

  /**
   * Vert.x's options for this engine.
   *
   * @throws IllegalStateException for {@link #OPENSSL} when BoringSSL cannot be loaded
   */
  public SSLEngineOptions options() {
    if (this == JDK) {
      return new JdkSSLEngineOptions();
    }
    if (!OpenSSLEngineOptions.isAvailable()) {
      throw new IllegalStateException("TLS engine openssl: BoringSSL is not available ("
          + unavailability() + "); use --tls-engine=jdk");
    }
    return new OpenSSLEngineOptions();
  }

  /** The name as given on the command line, plus the library version for {@link #OPENSSL}. */
  public String describe() {
    return this == JDK ? "jdk" : "openssl (" + OpenSsl.versionString() + ")";
  }

  /** The lower-case name ({@code openssl}, {@code jdk}). */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  private static String unavailability() {
    Throwable cause = OpenSsl.unavailabilityCause();
    return cause == null ? "unknown" : cause.toString();
  }
}
