package dev.crossgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.routing.config.FileConfigSource;
import dev.crossgate.routing.config.RoutingConfig;
import dev.crossgate.routing.config.RoutingConfigCompiler;
import dev.crossgate.routing.upstream.UpstreamClient;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import dev.crossgate.routing.tls.DevCertificates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file in config-examples/ (and tcp/, tls/) compiles into a routing configuration a
 * gateway can serve. The tls/ examples name the files of {@code crossgate certs dev}; the test
 * makes them in a temporary folder and points the examples there.
 */
class ConfigExamplesCompileTest {

  static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  static Stream<Path> examples() throws Exception {
    Path folder = Path.of("..", "config-examples");
    List<Path> files;
    try (Stream<Path> list = Files.list(folder)) {
      files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(files).as("examples in " + folder.toAbsolutePath()).isNotEmpty();
    return Stream.concat(files.stream(), Stream.of(folder.resolve("tcp/tcp-route.yaml")));
  }

  static Stream<Path> tlsExamples() throws Exception {
    try (Stream<Path> list = Files.list(Path.of("..", "config-examples", "tls"))) {
      List<Path> files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
      assertThat(files).isNotEmpty();
      return files.stream();
    }
  }

  @ParameterizedTest
  @MethodSource("tlsExamples")
  void tlsExampleCompilesWithDevelopmentCertificates(Path example, @TempDir Path dir)
      throws Exception {
    DevCertificates.CertificateFiles certs = DevCertificates.ensure(dir.resolve("certs"),
        DevCertificates.LOCAL_NAMES, false);
    String yaml = Files.readString(example);
    assertThat(yaml).contains(".crossgate/certs/");
    Path copy = dir.resolve(example.getFileName());
    Files.writeString(copy, yaml.replace(".crossgate/certs/", certs.dir() + "/"));
    RoutingConfigCompiler compiler = new RoutingConfigCompiler(
        new UpstreamClient(vertx, UpstreamClient.Settings.defaults()), List.of());
    RoutingConfig config = new FileConfigSource(List.of(copy), null, compiler,
        GatewayServer.VALIDATION).load(null);
    assertThat(config.listeners().values()).anySatisfy(l ->
        assertThat(l.routes().size()).as(l.name()).isPositive());
    boolean tlsSomewhere = config.listeners().values().stream().anyMatch(l -> l.tls() != null)
        || config.backends().values().stream().anyMatch(b -> b.tls() != null);
    assertThat(tlsSomewhere).as(example.toString()).isTrue();
  }

  @ParameterizedTest
  @MethodSource("examples")
  void compiles(Path example) throws Exception {
    RoutingConfigCompiler compiler = new RoutingConfigCompiler(
        new UpstreamClient(vertx, UpstreamClient.Settings.defaults()), List.of());
    RoutingConfig config = new FileConfigSource(List.of(example), null, compiler,
        GatewayServer.VALIDATION).load(null);
    assertThat(config.listeners()).isNotEmpty();
    assertThat(config.listeners().values()).allSatisfy(l -> {
      if (l.tcp()) {
        assertThat(l.tcpBackends()).as(l.name()).isNotNull();
      } else {
        assertThat(l.routes().size()).as(l.name()).isPositive();
      }
    });
  }
}
