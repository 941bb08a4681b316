package dev.crossgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The CLI's config file: where the policy API is and which token to send. Either a properties
 * file ({@code server=http://127.0.0.1:9080}, {@code token=…}) or a JSON object with the same
 * keys; {@code tokenFile} instead of {@code token} names a file holding the token, relative to the
 * config file's folder.
 *
 * @param file where it was read from
 * @param server the API's base URL, or {@code null}
 * @param token the bearer token, or {@code null}
 * @param tokenSource where the token came from, for messages, or {@code null}
 */
record ClientConfig(Path file, String server, String token, String tokenSource) {

  /** The config file name inside {@code .crossgate/}. */
  static final String FILE_NAME = "config";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where to look, in order: {@code ./.crossgate/config}, then {@code ~/.crossgate/config}. */
  static List<Path> defaultLocations(Path workingDirectory, Path home) {
    return List.of(workingDirectory.resolve(".crossgate").resolve(FILE_NAME),
        home.resolve(".crossgate").resolve(FILE_NAME));
  }

  /** The first of {@code locations} that exists, read; empty when none does. */
  static Optional<ClientConfig> find(List<Path> locations) {
    for (Path location : locations) {
      if (Files.isRegularFile(location)) {
        return Optional.of(read(location));
      }
    }
    return Optional.empty();
  }

  /** Reads one config file; a missing or malformed one is an {@link ApiException} (exit 1). */
  static ClientConfig read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw invalid(file, "unreadable (" + e.getMessage() + ")");
    }
    String server;
    String token;
    String tokenFile;
    if (text.stripLeading().startsWith("{")) {
      JsonNode json;
      try {
        json = JSON.readTree(text);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw invalid(file, "invalid JSON (" + e.getOriginalMessage() + ")");
      }
      server = text(json, "server");
      token = text(json, "token");
      tokenFile = text(json, "tokenFile");
    } else {
      Properties properties = new Properties();
      try {
        properties.load(new StringReader(text));
      } catch (IOException | IllegalArgumentException e) {
        throw invalid(file, "invalid properties (" + e.getMessage() + ")");
      }
      server = blankToNull(properties.getProperty("server"));
      token = blankToNull(properties.getProperty("token"));
      tokenFile = blankToNull(properties.getProperty("tokenFile"));
    }
    String tokenSource = token == null ? null : file + " (token)";
    if (token == null && tokenFile != null) {
      Path folder = file.toAbsolutePath().getParent();
      Path path = folder.resolve(tokenFile);
      try {
        token = blankToNull(Files.readString(path, StandardCharsets.UTF_8).strip());
      } catch (IOException e) {
        throw invalid(file, "tokenFile " + path + " is unreadable (" + e.getMessage() + ")");
      }
      tokenSource = path + " (tokenFile in " + file + ")";
    }
    return new ClientConfig(file, server, token, tokenSource);
  }

  private static String text(JsonNode json, String field) {
    JsonNode value = json.path(field);
    return value.isTextual() ? blankToNull(value.textValue()) : null;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  private static ApiException invalid(Path file, String why) {
    return new ApiException(ExitCodes.INVALID_CONFIG, "config file " + file + ": " + why
        + " (expected: properties or JSON with server and token or tokenFile)");
  }
}
