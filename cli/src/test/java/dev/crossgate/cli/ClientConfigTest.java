package dev.crossgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the CLI looks for its config file, and the two formats it reads. */
class ClientConfigTest {

  @TempDir
  Path dir;

  @Test
  void looksInTheWorkingDirectoryThenHome() throws Exception {
    Path cwd = Files.createDirectories(dir.resolve("project"));
    Path home = Files.createDirectories(dir.resolve("home"));
    List<Path> locations = ClientConfig.defaultLocations(cwd, home);
    assertThat(locations).containsExactly(cwd.resolve(".crossgate/config"),
        home.resolve(".crossgate/config"));
    assertThat(ClientConfig.find(locations)).isEmpty();

    Files.createDirectories(home.resolve(".crossgate"));
    Files.writeString(home.resolve(".crossgate/config"), "server=http://home:1\ntoken=h\n");
    assertThat(ClientConfig.find(locations)).get().extracting(ClientConfig::server)
        .isEqualTo("http://home:1");

    Files.createDirectories(cwd.resolve(".crossgate"));
    Files.writeString(cwd.resolve(".crossgate/config"), "{\"server\":\"http://here:2\"}");
    ClientConfig found = ClientConfig.find(locations).orElseThrow();
    assertThat(found.server()).isEqualTo("http://here:2");
    assertThat(found.token()).isNull();
  }

  @Test
  void tokenFileIsRelativeToTheConfigFile() throws Exception {
    Files.writeString(dir.resolve("admin.token"), "secret\n");
    Path config = Files.writeString(dir.resolve("config"), "tokenFile=admin.token\n");

    ClientConfig read = ClientConfig.read(config);

    assertThat(read.token()).isEqualTo("secret");
    assertThat(read.tokenSource()).contains("admin.token").contains("tokenFile in " + config);
  }

  @Test
  void malformedJsonIsInvalidInput() throws Exception {
    Path config = Files.writeString(dir.resolve("config"), "{\"server\": ");

    assertThatThrownBy(() -> ClientConfig.read(config))
        .isInstanceOfSatisfying(ApiException.class,
            e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.INVALID_CONFIG))
        .hasMessageContaining("config file " + config + ": invalid JSON");
  }
}
