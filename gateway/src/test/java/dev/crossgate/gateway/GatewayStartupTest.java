package dev.crossgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossgate.routing.config.ConfigException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up fails fast on bad configuration, with a precise message, and leaves nothing behind. */
class GatewayStartupTest {

  @TempDir Path dir;

  private static final String NEGATIVE_WEIGHT = """
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: edge}
      spec:
        listeners: [{name: http, port: 8080, protocol: HTTP}]
      ---
      apiVersion: crossgate.dev/v1alpha1
      kind: Service
      metadata: {name: users}
      spec:
        endpoints: [{address: 127.0.0.1, port: 9001}]
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: x}
      spec:
        parentRefs: [{name: edge}]
        rules:
          - matches: [{path: {type: PathPrefix, value: /x}}]
            backendRefs:
              - name: users
                weight: -1
      """;

  private Path write(String yaml) throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private static GatewayOptions options(Path file, int adminPort) {
    return GatewayOptions.defaults(List.of(file)).withPorts(Map.of("http", 0), adminPort);
  }

  @Test
  void invalidFileNamesFileLineResourceAndField() throws Exception {
    Path file = write(NEGATIVE_WEIGHT);
    int line = NEGATIVE_WEIGHT.lines().toList().indexOf("          weight: -1") + 1;
    assertThat(line).isPositive();
    assertThatThrownBy(() -> GatewayServer.start(options(file, 0)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("gateway.yaml:" + line + ": HTTPRoute default/x: "
            + "spec.rules[0].backendRefs[0].weight: -1 (expected: 0..1000000)");
  }

  @Test
  void missingFileIsNamed() {
    Path missing = dir.resolve("absent.yaml");
    assertThatThrownBy(() -> GatewayServer.start(options(missing, 0)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("not found");
  }

  @Test
  void severalGatewaysWithoutANameListsThemAll() throws Exception {
    Path file = write(Yaml.GATEWAY.replace("name: edge", "name: east") + "---\n"
        + Yaml.GATEWAY.replace("name: edge", "name: west"));
    assertThatThrownBy(() -> GatewayServer.start(options(file, 0)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("default/east")
        .hasMessageContaining("default/west");
  }

  @Test
  void unknownGatewayNameListsTheKnownOnes() throws Exception {
    Path file = write(Yaml.GATEWAY);
    GatewayOptions defaults = options(file, 0);
    GatewayOptions named = new GatewayOptions(defaults.configPaths(), "nope",
        defaults.bindAddress(), defaults.adminAddress(), 0, defaults.portOverrides(),
        defaults.reloadInterval(), defaults.eventLoops(), defaults.upstream(), null, null, null,
        null);
    assertThatThrownBy(() -> GatewayServer.start(named))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("nope")
        .hasMessageContaining("default/edge");
  }

  @Test
  void afterAnInvalidFileTheAdminPortIsFree() throws Exception {
    Path file = write(NEGATIVE_WEIGHT);
    int admin = freePort();
    assertThatThrownBy(() -> GatewayServer.start(options(file, admin)))
        .isInstanceOf(ConfigException.class);
    bind(admin);
  }

  @Test
  void failureAfterListenersBoundReleasesEverything() throws Exception {
    int listener = freePort();
    Path file = write(Yaml.GATEWAY.replace("port: 8080", "port: " + listener));
    long accessLogThreads = accessLogThreads();
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      GatewayOptions options = GatewayOptions.defaults(List.of(file))
          .withPorts(Map.of(), taken.getLocalPort())
          .withAccessLog(java.io.OutputStream.nullOutputStream());
      assertThatThrownBy(() -> GatewayServer.start(options))
          .isInstanceOf(IllegalStateException.class);
    }
    bind(listener);
    Eventually.untilPasses(() -> assertThat(accessLogThreads()).isEqualTo(accessLogThreads));
  }

  private static long accessLogThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("crossgate-access-log") && t.isAlive()).count();
  }

  private static void bind(int port) throws Exception {
    try (ServerSocket socket = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
      assertThat(socket.getLocalPort()).isEqualTo(port);
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
