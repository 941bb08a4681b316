package dev.crossgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's own behaviour: version, help, validation and fail-fast start-up exit codes. */
class CliEndToEndTest {

  @TempDir Path dir;

  @Test
  void printsItsVersion() throws Exception {
    try (CrossgateProcess cli = CrossgateProcess.start(Map.of(), "--version")) {
      assertThat(cli.awaitExit()).isZero();
      assertThat(cli.stdout()).startsWith("crossgate ");
    }
  }

  @Test
  void validateNamesFileLineResourceAndFieldOfEveryProblem() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, """
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: app}
        spec:
          endpoints: [{address: 127.0.0.1, port: 70000}]
          loadBalncer: {type: RoundRobin}
        """);
    try (CrossgateProcess cli = CrossgateProcess.start(Map.of(), "validate", file.toString())) {
      assertThat(cli.awaitExit()).isEqualTo(1);
      assertThat(cli.stderr())
          .contains("bad.yaml:5: Service default/app: spec.endpoints[0].port: 70000")
          .contains("bad.yaml:6: Service default/app: spec.loadBalncer")
          .contains("loadBalancer");
    }
  }

  @Test
  void gatewayRefusesToStartOnInvalidConfiguration() throws Exception {
    Path file = dir.resolve("broken.yaml");
    Files.writeString(file, "kind: [unclosed\n");
    try (CrossgateProcess cli = CrossgateProcess.start(Map.of(), "gateway", "--config",
        file.toString(), "--admin-port", "0")) {
      assertThat(cli.awaitExit()).isEqualTo(1);
      assertThat(cli.stderr()).contains("crossgate: not starting").contains("broken.yaml:");
    }
  }

  @Test
  void badFlagValueIsAUsageError() throws Exception {
    try (CrossgateProcess cli = CrossgateProcess.start(Map.of(), "gateway", "--config", "x.yaml",
        "--reload-interval", "soon")) {
      assertThat(cli.awaitExit()).isEqualTo(2);
      assertThat(cli.stderr()).contains("soon").contains("expected: a number and a unit");
    }
  }
}
