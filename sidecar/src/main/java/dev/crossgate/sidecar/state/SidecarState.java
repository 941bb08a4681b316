package dev.crossgate.sidecar.state;

import static java.util.Objects.requireNonNull;

import dev.crossgate.routing.control.LastKnownGoodStore;
import java.nio.file.Path;

/**
 * The files one sidecar keeps in its state folder: {@code last-known-good.json} (the last
 * snapshot it applied, with its mesh endpoints) and {@code certificate.json} (owner-only).
 *
 * @param dir the state folder
 * @param snapshot the last-known-good snapshot store
 * @param certificate the certificate file
 */
public record SidecarState(Path dir, LastKnownGoodStore snapshot, CertificateFile certificate) {

  public SidecarState {
    requireNonNull(dir, "dir");
    requireNonNull(snapshot, "snapshot");
    requireNonNull(certificate, "certificate");
  }

  /** The state kept in {@code dir}. */
  public static SidecarState in(Path dir) {
    return new SidecarState(dir, new LastKnownGoodStore(dir.resolve("last-known-good.json")),
        new CertificateFile(dir.resolve("certificate.json")));
  }
}
