package dev.crossgate.routing.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * PEM text and where it came from, so every error can name its origin.
 *
 * @param origin a file path or a description such as {@code inline certificate of main}
 * @param text the PEM text
 */
public record PemText(String origin, String text) {

  public PemText {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(text, "text");
  }

  /**
   * Reads a file. Blocking: call it off the event loop.
   *
   * @throws TlsMaterialException when the file cannot be read
   */
  public static PemText read(Path file) throws TlsMaterialException {
    try {
      return new PemText(file.toString(), Files.readString(file, StandardCharsets.US_ASCII));
    } catch (NoSuchFileException e) {
      throw new TlsMaterialException(file + ": no such file (expected: a readable PEM file)");
    } catch (IOException | RuntimeException e) {
      throw new TlsMaterialException(file + ": cannot be read (" + e + ")", e);
    }
  }
}
