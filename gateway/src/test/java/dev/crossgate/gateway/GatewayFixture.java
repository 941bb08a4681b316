package dev.crossgate.gateway;

import dev.crossgate.routing.config.ConfigException;
import dev.crossgate.routing.upstream.UpstreamClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Starts a real gateway on loopback ports from YAML text, and sends it requests. */
final class GatewayFixture implements AutoCloseable {

  final Path configFile;
  final GatewayServer server;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private GatewayFixture(Path configFile, GatewayServer server) {
    this.configFile = configFile;
    this.server = server;
  }

  static GatewayFixture start(Path dir, String yaml) throws IOException, ConfigException {
    return start(dir, yaml, Duration.ofSeconds(5));
  }

  static GatewayFixture start(Path dir, String yaml, Duration upstreamIdleTimeout)
      throws IOException, ConfigException {
    return start(dir, yaml, upstreamIdleTimeout, options -> options);
  }

  /** Starts a gateway whose options {@code customize} adjusts after the test defaults. */
  static GatewayFixture start(Path dir, String yaml, Duration upstreamIdleTimeout,
      java.util.function.UnaryOperator<GatewayOptions> customize)
      throws IOException, ConfigException {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, yaml);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    GatewayOptions options = GatewayOptions.defaults(List.of(file))
        .withPorts(Map.of("http", 0), 0)
        .withReloadInterval(Duration.ofMillis(100))
        .withUpstream(new UpstreamClient.Settings(Duration.ofSeconds(2), upstreamIdleTimeout, 16))
        .withAccessLog(log);
    options = customize.apply(options);
    GatewayServer server = GatewayServer.start(options);
    GatewayFixture fixture = new GatewayFixture(file, server);
    fixture.logSink = log;
    return fixture;
  }

  private ByteArrayOutputStream logSink;

  String accessLogText() {
    return logSink.toString(StandardCharsets.UTF_8);
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + server.port("http") + pathAndQuery);
  }

  URI adminUri(String path) {
    return URI.create("http://127.0.0.1:" + server.adminPort() + path);
  }

  HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery))
        .timeout(Duration.ofSeconds(20));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> admin(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(adminUri(path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Replaces the configuration file in one atomic move, so the reloader never reads a
   * half-written file.
   */
  void rewriteConfig(String yaml) throws IOException {
    Path next = configFile.resolveSibling(configFile.getFileName() + ".next");
    Files.writeString(next, yaml);
    Files.move(next, configFile, StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * The value of one sample in {@code /metrics}, e.g.
   * {@code crossgate_config_reloads_total{result="success"}}; 0 when absent.
   */
  double metric(String sample) throws Exception {
    return admin("/metrics").body().lines()
        .filter(line -> line.startsWith(sample + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(sample.length() + 1).trim()))
        .findFirst().orElse(0);
  }

  @Override
  public void close() {
    server.close();
  }
}
