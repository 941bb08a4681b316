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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every file in config-examples/ (and tcp/) compiles into a routing configuration a gateway can serve. */
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
