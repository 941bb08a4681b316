package dev.crossgate.sidecar.state;

import dev.crossgate.policy.io.AtomicFiles;
import static java.util.Objects.requireNonNull;

import dev.crossgate.routing.mesh.WorkloadCertificate;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The sidecar's certificate, private key and trust bundle in one file, so a restart while the
 * engine is unreachable can serve mTLS with a certificate that is still valid. The file (and its
 * folder, when created here) is readable by the owner only; it is written to a temporary file
 * created owner-only and moved into place atomically. Blocking: call from worker threads.
 */
public final class CertificateFile {

  private final Path file;

  /** A certificate file at {@code file}. */
  public CertificateFile(Path file) {
    this.file = requireNonNull(file, "file");
  }

  /** Where the certificate is kept. */
  public Path file() {
    return file;
  }

  /** Saves {@code certificate} and its key atomically, owner-only. */
  public void save(WorkloadCertificate certificate) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      if (posix()) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectories(dir);
      }
    }
    String json = new JsonObject()
        .put("spiffeId", certificate.spiffeId())
        .put("notBefore", certificate.notBefore().toString())
        .put("notAfter", certificate.notAfter().toString())
        .put("privateKeyPem", certificate.privateKeyPem())
        .put("chainPem", certificate.chainPem())
        .put("trustBundlePem", certificate.trustBundlePem())
        .encode();
    AtomicFiles.write(file, json, true);
  }

  /**
   * The kept certificate, if there is one.
   *
   * @throws IOException when the file exists but is not a certificate file
   */
  public Optional<WorkloadCertificate> load() throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      JsonObject json = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
      return Optional.of(new WorkloadCertificate(
          required(json, "spiffeId"),
          Instant.parse(required(json, "notBefore")),
          Instant.parse(required(json, "notAfter")),
          required(json, "privateKeyPem"),
          required(json, "chainPem"),
          required(json, "trustBundlePem")));
    } catch (DecodeException | ClassCastException | DateTimeParseException e) {
      throw new IOException(file + ": not a certificate file: " + e.getMessage(), e);
    }
  }

  private String required(JsonObject json, String field) throws IOException {
    String value = json.getString(field);
    if (value == null || value.isEmpty()) {
      throw new IOException(file + ": " + field + " missing (expected: a certificate file "
          + "written by the sidecar)");
    }
    return value;
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }
}
