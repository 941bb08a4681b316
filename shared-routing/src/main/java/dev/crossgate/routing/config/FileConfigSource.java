package dev.crossgate.routing.config;

import dev.crossgate.policy.codec.LoadResult;
import dev.crossgate.policy.codec.PolicyCodec;
import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.validation.ValidationOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Reads configuration from YAML/JSON files or folders and compiles it. Blocking: call it from a
 * worker thread, never from an event loop.
 */
public final class FileConfigSource {

  private final List<Path> paths;
  private final String gatewayName;
  private final RoutingConfigCompiler compiler;
  private final ValidationOptions validation;

  /**
   * A source.
   *
   * @param paths files or folders
   * @param gatewayName the Gateway to serve, or null for the only one
   * @param compiler the compiler
   * @param validation what the data plane serving the result supports
   */
  public FileConfigSource(List<Path> paths, String gatewayName, RoutingConfigCompiler compiler,
      ValidationOptions validation) {
    this.paths = List.copyOf(paths);
    this.gatewayName = gatewayName;
    this.compiler = Objects.requireNonNull(compiler, "compiler");
    this.validation = Objects.requireNonNull(validation, "validation");
  }

  /** The configured paths. */
  public List<Path> paths() {
    return paths;
  }

  /**
   * Loads, validates and compiles the files.
   *
   * @param previous the configuration being replaced, or null
   * @throws ConfigException with every problem found, one per line
   */
  public RoutingConfig load(RoutingConfig previous) throws ConfigException {
    LoadResult result = PolicyLoader.loadPaths(paths, validation);
    if (!result.ok()) {
      StringBuilder message = new StringBuilder("invalid configuration ("
          + result.problems().size() + " problem" + (result.problems().size() == 1 ? "" : "s")
          + "):");
      result.problems().forEach(p -> message.append("\n  ").append(p));
      throw new ConfigException(message.toString());
    }
    return compiler.compile(result.bundle(), gatewayName, describe(), fingerprint(),
        PolicyCodec.toJson(result.bundle()), previous);
  }

  /**
   * A fingerprint of the files' names, sizes and modification times: cheap to compute, changes
   * when any file changes.
   */
  public String fingerprint() {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (Path file : files()) {
        digest.update(file.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        digest.update(Files.readAllBytes(file));
      }
      return HexFormat.of().formatHex(digest.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    } catch (IOException e) {
      return "unreadable:" + e.getMessage();
    }
  }

  private List<Path> files() throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path path : paths) {
      if (Files.isDirectory(path)) {
        try (Stream<Path> walk = Files.walk(path)) {
          walk.filter(Files::isRegularFile)
              .filter(p -> p.toString().matches(".*\\.(ya?ml|json)$"))
              .sorted().forEach(files::add);
        } catch (UncheckedIOException e) {
          throw e.getCause();
        }
      } else {
        files.add(path);
      }
    }
    return files;
  }

  private String describe() {
    return paths.size() == 1 ? paths.get(0).toString() : paths.toString();
  }
}
