package dev.crossgate.policy.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Replaces a whole file atomically: the text goes to a sibling {@code <name>.tmp} first, which
 * is then moved over the file (an atomic rename where the file system has one), so a reader or a
 * crash sees the old file or the new one, never half of it. Blocking: call it from a worker.
 */
public final class AtomicFiles {

  private AtomicFiles() {}

  /** Writes {@code text} (UTF-8) as the whole of {@code file}, readable by others. */
  public static void write(Path file, String text) throws IOException {
    write(file, text, false);
  }

  /**
   * Writes {@code text} (UTF-8) as the whole of {@code file}; with {@code ownerOnly}, the file
   * is created {@code rw-------} where the file system has POSIX permissions (keys, tokens).
   */
  public static void write(Path file, String text, boolean ownerOnly) throws IOException {
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(temp);
    if (ownerOnly && posix(file)) {
      Files.createFile(temp, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rw-------")));
    } else {
      Files.createFile(temp);
    }
    Files.writeString(temp, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    try {
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static boolean posix(Path file) {
    return file.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
