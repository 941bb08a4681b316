package dev.crossgate.cli;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * How the API commands reach the policy engine: {@code --server}, {@code --token}, their
 * environment twins, or a config file ({@link ClientConfig}). Flags and environment win over the
 * file; the file wins over the defaults.
 */
final class ApiOptions {

  static final String DEFAULT_SERVER = "http://127.0.0.1:9080";

  @Option(names = "--server", paramLabel = "URL", defaultValue = "${env:CROSSGATE_SERVER}",
      description = "The policy API, e.g. http://127.0.0.1:9080; default: the config file's "
          + "server, else " + DEFAULT_SERVER + " (env CROSSGATE_SERVER).")
  String server;

  @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:CROSSGATE_TOKEN}",
      description = "The API bearer token; default: the config file's token "
          + "(env CROSSGATE_TOKEN).")
  String token;

  @Option(names = "--config-file", paramLabel = "FILE",
      defaultValue = "${env:CROSSGATE_CONFIG_FILE}",
      description = "The client config file; default: ./.crossgate/config, else "
          + "~/.crossgate/config (env CROSSGATE_CONFIG_FILE).")
  Path configFile;

  @Option(names = "--timeout", paramLabel = "DURATION",
      defaultValue = "${env:CROSSGATE_TIMEOUT:-30s}",
      description = "How long to wait for the API; default ${DEFAULT-VALUE} "
          + "(env CROSSGATE_TIMEOUT).")
  Duration timeout;

  /** Resolves flags, environment and config file into a client. */
  PolicyApiClient client() {
    List<Path> locations = configFile != null
        ? List.of(configFile)
        : ClientConfig.defaultLocations(Path.of("").toAbsolutePath(),
            Path.of(System.getProperty("user.home")));
    Optional<ClientConfig> config;
    if (configFile != null) {
      if (!java.nio.file.Files.isRegularFile(configFile)) {
        throw new ApiException(ExitCodes.INVALID_CONFIG, "config file " + configFile
            + ": not found (expected: a file given by --config-file or CROSSGATE_CONFIG_FILE)");
      }
      config = Optional.of(ClientConfig.read(configFile));
    } else {
      config = ClientConfig.find(locations);
    }
    String url = firstNonBlank(server, config.map(ClientConfig::server).orElse(null),
        DEFAULT_SERVER);
    URI base = parseServer(url);

    List<String> lookedIn = new ArrayList<>(List.of("--token", "CROSSGATE_TOKEN"));
    locations.forEach(location -> lookedIn.add(location.toString()));
    String bearer = blankToNull(token);
    String tokenSource;
    if (bearer != null) {
      tokenSource = bearer.equals(System.getenv("CROSSGATE_TOKEN")) ? "CROSSGATE_TOKEN"
          : "--token";
    } else {
      bearer = config.map(ClientConfig::token).orElse(null);
      tokenSource = config.map(ClientConfig::tokenSource).orElse(null);
    }
    return new PolicyApiClient(base, bearer, tokenSource, lookedIn, timeout);
  }

  private static URI parseServer(String url) {
    String trimmed = url.strip();
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    try {
      URI uri = URI.create(trimmed);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return uri;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new ApiException(ExitCodes.USAGE, "--server: " + url
        + " (expected: an http or https URL, e.g. " + DEFAULT_SERVER + ")");
  }

  private static String firstNonBlank(String... values) {
    for (String value : values) {
      if (blankToNull(value) != null) {
        return value;
      }
    }
    return null;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }
}
