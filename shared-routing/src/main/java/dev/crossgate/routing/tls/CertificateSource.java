package dev.crossgate.routing.tls;

import dev.crossgate.policy.model.Gateway;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Where one certificate and its key come from: two PEM files, or inline PEM text.
 *
 * @param name the certificate's name in the configuration
 * @param certificateFile the chain's file, or null when inline
 * @param keyFile the key's file, or null when inline
 * @param certificatePem the inline chain, or null when from files
 * @param keyPem the inline key, or null when from files
 */
public record CertificateSource(String name, Path certificateFile, Path keyFile,
    String certificatePem, String keyPem) {

  public CertificateSource {
    Objects.requireNonNull(name, "name");
    if ((certificateFile == null || keyFile == null)
        && (certificatePem == null || keyPem == null)) {
      throw new IllegalArgumentException("certificate " + name
          + " (expected: certificateFile with keyFile, or certificate with key)");
    }
  }

  /** Two PEM files. */
  public static CertificateSource files(String name, Path certificateFile, Path keyFile) {
    return new CertificateSource(name, certificateFile, keyFile, null, null);
  }

  /** Inline PEM text. */
  public static CertificateSource inline(String name, String certificatePem, String keyPem) {
    return new CertificateSource(name, null, null, certificatePem, keyPem);
  }

  /**
   * The source a configuration reference describes; relative file paths are resolved against
   * {@code baseDir}.
   */
  public static CertificateSource of(Gateway.CertificateRef ref, String name, Path baseDir) {
    if (ref.certificateFile() != null) {
      return files(name, baseDir.resolve(ref.certificateFile()).normalize(),
          baseDir.resolve(ref.keyFile()).normalize());
    }
    return inline(name, ref.certificate(), ref.key());
  }

  /** Whether the PEM comes from files (and so may change on disk). */
  public boolean fromFiles() {
    return certificateFile != null;
  }

  /** The chain and key texts. Blocking when from files. */
  public PemText[] read() throws TlsMaterialException {
    if (fromFiles()) {
      return new PemText[] {PemText.read(certificateFile), PemText.read(keyFile)};
    }
    return new PemText[] {new PemText("inline certificate of " + name, certificatePem),
        new PemText("inline key of " + name, keyPem)};
  }

  /** Reads and checks the certificate and key. Blocking when from files. */
  public CertifiedKey load() throws TlsMaterialException {
    PemText[] texts = read();
    return CertifiedKey.of(name, texts[0], texts[1], null);
  }

  /**
   * A digest of the current PEM texts of {@code sources}, to notice changed files; a file that
   * cannot be read contributes its error. Blocking.
   */
  public static String fingerprint(List<CertificateSource> sources) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    for (CertificateSource source : sources) {
      try {
        for (PemText text : source.read()) {
          digest.update(text.text().getBytes(StandardCharsets.UTF_8));
          digest.update((byte) 0);
        }
      } catch (TlsMaterialException e) {
        digest.update(e.getMessage().getBytes(StandardCharsets.UTF_8));
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
