package dev.crossgate.policy.server.api;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.io.RandomTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The API's bearer tokens: files, {@code <data>/tokens/<name>.token}, readable by the owner only
 * (on first start an {@code admin} token is created there), plus, with {@link #withShared},
 * tokens shared by every engine of the cluster, kept as SHA-256 digests only: tokens created
 * through the API, and every engine's file tokens, so each engine's admin token works on all.
 * The token's name is the author of the revisions it makes.
 */
public final class ApiTokens {

  /** The name of the token created on first start. */
  public static final String ADMIN = "admin";

  private static final String SUFFIX = ".token";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What a token name must look like. */
  public static final java.util.regex.Pattern NAME =
      java.util.regex.Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  private final Map<String, byte[]> digests;
  private final Path createdFile;
  private final String createdToken;
  private final SharedTokens shared;

  private ApiTokens(Map<String, byte[]> digests, Path createdFile, String createdToken,
      SharedTokens shared) {
    this.digests = Map.copyOf(digests);
    this.createdFile = createdFile;
    this.createdToken = createdToken;
    this.shared = shared;
  }

  /**
   * These tokens plus those in {@code shared}; this engine's file tokens are shared too (as
   * digests). Blocks while it writes them: call it off the event loop.
   */
  public ApiTokens withShared(SharedTokens shared) {
    requireNonNull(shared, "shared");
    digests.forEach((name, digest) -> shared.putIfAbsent(HEX.formatHex(digest), name));
    return new ApiTokens(digests, createdFile, createdToken, shared);
  }

  /**
   * Creates a shared token named {@code name} and returns it: shown once, only its digest is
   * kept. Fails with {@link IllegalArgumentException} for a bad or taken name and
   * {@link IllegalStateException} without shared tokens.
   */
  public io.vertx.core.Future<String> create(String name) {
    if (shared == null) {
      return io.vertx.core.Future.failedFuture(
          new IllegalStateException("tokens are not shared on this engine"));
    }
    if (name == null || !NAME.matcher(name).matches()) {
      return io.vertx.core.Future.failedFuture(new IllegalArgumentException("name: " + name
          + " (expected: 1-63 lowercase letters, digits and inner '-')"));
    }
    if (names().contains(name)) {
      return io.vertx.core.Future.failedFuture(new IllegalArgumentException(
          "name: " + name + " is already taken (expected: a new name; revoke the old first)"));
    }
    String token = newToken();
    return shared.put(HEX.formatHex(sha256(token)), name).map(token);
  }

  /** Revokes the shared tokens named {@code name}; completes with how many there were. */
  public io.vertx.core.Future<Integer> revoke(String name) {
    return shared == null ? io.vertx.core.Future.succeededFuture(0) : shared.remove(name);
  }

  /** The names of every token, file and shared, sorted. */
  public java.util.SortedSet<String> names() {
    java.util.SortedSet<String> names = new java.util.TreeSet<>(digests.keySet());
    if (shared != null) {
      names.addAll(shared.names());
    }
    return names;
  }

  private static final java.util.HexFormat HEX = java.util.HexFormat.of();

  private static String newToken() {
    return RandomTokens.of(RANDOM, 32); // never starts with '-': passed as --token <t>
  }

  /** Reads the tokens under {@code dataDirectory/tokens}, creating the admin token when none exist. */
  public static ApiTokens loadOrCreate(Path dataDirectory) {
    requireNonNull(dataDirectory, "dataDirectory");
    Path folder = dataDirectory.resolve("tokens");
    try {
      createOwnerOnly(folder, true);
      Path created = null;
      String token = null;
      if (tokenFiles(folder).findAny().isEmpty()) {
        token = newToken();
        created = folder.resolve(ADMIN + SUFFIX);
        createOwnerOnly(created, false);
        Files.writeString(created, token + "\n", StandardCharsets.UTF_8);
      }
      Map<String, byte[]> digests = new LinkedHashMap<>();
      try (Stream<Path> files = tokenFiles(folder)) {
        for (Path file : (Iterable<Path>) files.sorted()::iterator) {
          String name = file.getFileName().toString();
          digests.put(
              name.substring(0, name.length() - SUFFIX.length()),
              sha256(Files.readString(file, StandardCharsets.UTF_8).strip()));
        }
      }
      return new ApiTokens(digests, created, token, null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create API tokens in " + folder, e);
    }
  }

  /**
   * The name of the token in an {@code Authorization: Bearer <token>} header, if it is one of
   * ours. Every token is compared, in constant time, whatever matches.
   */
  public Optional<String> authenticate(String authorization) {
    if (authorization == null || authorization.length() < 7
        || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    byte[] given = sha256(authorization.substring(7).strip());
    String found = null;
    for (Map.Entry<String, byte[]> entry : digests.entrySet()) {
      if (MessageDigest.isEqual(given, entry.getValue()) && found == null) {
        found = entry.getKey();
      }
    }
    if (found == null && shared != null) {
      return shared.nameOf(HEX.formatHex(given));
    }
    return Optional.ofNullable(found);
  }

  /** The token created by this start, if any: it is shown once and never again. */
  public Optional<String> createdToken() {
    return Optional.ofNullable(createdToken);
  }

  /** The file the created token was stored in, if one was created. */
  public Optional<Path> createdFile() {
    return Optional.ofNullable(createdFile);
  }

  private static Stream<Path> tokenFiles(Path folder) throws IOException {
    return Files.list(folder)
        .filter(Files::isRegularFile)
        .filter(f -> f.getFileName().toString().endsWith(SUFFIX));
  }

  private static void createOwnerOnly(Path path, boolean directory) throws IOException {
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    Set<PosixFilePermission> permissions =
        PosixFilePermissions.fromString(directory ? "rwx------" : "rw-------");
    FileAttribute<?>[] attributes =
        posix
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
            : new FileAttribute<?>[0];
    if (directory) {
      if (!Files.isDirectory(path)) {
        Files.createDirectories(path, attributes);
      }
    } else {
      Files.createFile(path, attributes);
    }
    if (posix) {
      Files.setPosixFilePermissions(path, permissions);
    }
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
