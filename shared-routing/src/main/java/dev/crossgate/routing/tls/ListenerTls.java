package dev.crossgate.routing.tls;

import dev.crossgate.policy.model.Gateway;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A compiled HTTPS listener's TLS: where its certificates come from, the certificates loaded
 * from there, the lowest protocol version and the HSTS header.
 *
 * @param sources the certificate sources, the default first
 * @param keys the certificates as loaded, in the same order
 * @param fingerprint a digest of the PEM texts the keys were loaded from
 * @param minVersion {@code 1.2} or {@code 1.3}
 * @param hsts the {@code Strict-Transport-Security} value, or null for none
 */
public record ListenerTls(List<CertificateSource> sources, List<CertifiedKey> keys,
    String fingerprint, String minVersion, String hsts) {

  public ListenerTls {
    sources = List.copyOf(sources);
    keys = List.copyOf(keys);
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(minVersion, "minVersion");
  }

  /**
   * Loads a listener's certificates. Blocking: reads files.
   *
   * @param baseDir what relative file paths are resolved against
   * @throws TlsMaterialException naming the certificate and file that cannot be used
   */
  public static ListenerTls load(Gateway.Tls tls, Path baseDir) throws TlsMaterialException {
    List<CertificateSource> sources = new ArrayList<>();
    for (int i = 0; i < tls.certificateRefs().size(); i++) {
      Gateway.CertificateRef ref = tls.certificateRefs().get(i);
      String name = ref.name() == null ? "certificateRefs[" + i + "]" : ref.name();
      sources.add(CertificateSource.of(ref, name, baseDir));
    }
    String minVersion = tls.minVersion() == null ? "1.2" : tls.minVersion();
    return new ListenerTls(sources, loadAll(sources), CertificateSource.fingerprint(sources),
        minVersion, hstsValue(tls.hsts()));
  }

  /** Loads every source, or fails on the first that cannot be used. Blocking. */
  public static List<CertifiedKey> loadAll(List<CertificateSource> sources)
      throws TlsMaterialException {
    List<CertifiedKey> keys = new ArrayList<>();
    for (CertificateSource source : sources) {
      try {
        keys.add(source.load());
      } catch (TlsMaterialException e) {
        throw new TlsMaterialException("certificate " + source.name() + ": " + e.getMessage(),
            e);
      }
    }
    return keys;
  }

  /** The same listener settings with certificates reloaded from {@code fingerprint}. */
  public ListenerTls withKeys(List<CertifiedKey> reloaded, String newFingerprint) {
    return new ListenerTls(sources, reloaded, newFingerprint, minVersion, hsts);
  }

  /** Whether any certificate comes from files that may change. */
  public boolean watched() {
    return sources.stream().anyMatch(CertificateSource::fromFiles);
  }

  /** The Vert.x server TLS options for the current certificates. */
  public io.vertx.core.net.ServerSSLOptions serverOptions() {
    return TlsServerOptions.of(keys, minVersion);
  }

  /** The header value for HSTS settings, or null when there are none. */
  static String hstsValue(Gateway.Hsts hsts) {
    if (hsts == null) {
      return null;
    }
    long seconds = hsts.maxAge() == null ? 31_536_000L : hsts.maxAge().duration().toSeconds();
    return "max-age=" + seconds
        + (Boolean.TRUE.equals(hsts.includeSubDomains()) ? "; includeSubDomains" : "")
        + (Boolean.TRUE.equals(hsts.preload()) ? "; preload" : "");
  }
}
