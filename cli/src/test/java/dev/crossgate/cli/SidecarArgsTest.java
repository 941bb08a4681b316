package dev.crossgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@link SidecarArgs} reads a plain sidecar command line exactly as picocli does (every option
 * field compared, defaults included), and leaves everything else to picocli.
 */
class SidecarArgsTest {

  private static final Set<String> LEFT_TO_PICOCLI = Set.of("--shutdown", "--wait-ready",
      "--timeout", "--help", "-h", "--version", "-V");

  @Test
  void plainCommandLinesGiveTheSameFieldsAsPicocli() throws Exception {
    List<String[]> lines = List.of(
        new String[] {"--service", "reviews", "--app-port", "9080"},
        new String[] {"--service=reviews", "--namespace=shop", "--app-port=9080",
            "--control-plane", "10.0.0.1:9081", "--join-token", "a.b-c_d", "--inbound-port", "0",
            "--outbound-port", "0", "--admin-port", "0", "--admin-address", "0.0.0.0",
            "--advertise-address", "192.0.2.7", "--state-dir", "/var/lib/x",
            "--drain-period", "500ms", "--mtls-mode", "strict", "--tls-engine", "jdk"},
        new String[] {"--mtls-mode=Permissive", "--drain-period=0s", "--service", "a",
            "--app-port", "1", "--join-token=x=y"},
        new String[] {});
    for (String[] line : lines) {
      Optional<SidecarCommand> plain = SidecarArgs.parse(line, System::getenv,
          System::getProperty);
      assertThat(plain).as(Arrays.toString(line)).isPresent();
      CommandLine picocli = SidecarMain.commandLine();
      picocli.parseArgs(line);
      SidecarCommand parsed = picocli.getCommand();
      for (Field field : SidecarCommand.class.getDeclaredFields()) {
        if (field.isAnnotationPresent(CommandLine.Option.class)) {
          field.setAccessible(true);
          assertThat(field.get(plain.get())).as("%s in %s", field.getName(), Arrays.toString(line))
              .isEqualTo(field.get(parsed));
        }
      }
    }
  }

  @Test
  void everythingElseIsLeftToPicocli() {
    List<String[]> lines = List.of(
        new String[] {"--help"}, new String[] {"-h"}, new String[] {"--version"},
        new String[] {"--shutdown"}, new String[] {"--wait-ready", "--timeout", "5s"},
        new String[] {"--service", "a", "--bogus", "x"},
        new String[] {"--service", "a", "--service", "b"},
        new String[] {"--app-port", "08"}, new String[] {"--app-port", "0x10"},
        new String[] {"--app-port", "-1"}, new String[] {"--app-port", "port"},
        new String[] {"--app-port="}, new String[] {"--service"},
        new String[] {"--service", "--namespace", "x"}, new String[] {"--service", "\"a\""},
        new String[] {"--service", " a"}, new String[] {"@args.txt"},
        new String[] {"--", "--service", "a"}, new String[] {"positional"},
        new String[] {"--drain-period", "2"}, new String[] {"--drain-period", "2 s"},
        new String[] {"--mtls-mode", "mutual"}, new String[] {"--service=a", "extra"});
    for (String[] line : lines) {
      assertThat(SidecarArgs.parse(line, System::getenv, System::getProperty))
          .as(Arrays.toString(line)).isEmpty();
    }
  }

  @Test
  void environmentDefaultsAreReadAsPicocliReadsThem() {
    Map<String, String> env = Map.of("CROSSGATE_SERVICE", "ratings", "CROSSGATE_APP_PORT", "9090",
        "CROSSGATE_NAMESPACE", "shop", "CROSSGATE_STATE_DIR", "/tmp/s");
    SidecarCommand command = SidecarArgs.parse(new String[0], env::get, name -> "openssl")
        .orElseThrow();
    assertThat(command.service).isEqualTo("ratings");
    assertThat(command.appPort).isEqualTo(9090);
    assertThat(command.namespace).isEqualTo("shop");
    assertThat(command.stateDir).hasToString("/tmp/s");
    assertThat(command.tlsEngine).isEqualTo("openssl");
    assertThat(SidecarArgs.parse(new String[0], Map.of("CROSSGATE_APP_PORT", "x")::get,
        name -> null)).isEmpty();
    assertThat(SidecarArgs.parse(new String[0], Map.of("CROSSGATE_NAMESPACE", "")::get,
        name -> null)).isEmpty();
  }

  @Test
  void everyOptionOfTheCommandIsReadHereOrLeftToPicocli() {
    Set<String> names = new HashSet<>();
    for (OptionSpec option : SidecarMain.commandLine().getCommandSpec().options()) {
      names.addAll(Arrays.asList(option.names()));
    }
    Set<String> covered = new HashSet<>(Arrays.asList(SidecarArgs.options()));
    covered.addAll(LEFT_TO_PICOCLI);
    assertThat(covered).isEqualTo(names);
    List<String> overlap = new ArrayList<>(Arrays.asList(SidecarArgs.options()));
    overlap.retainAll(LEFT_TO_PICOCLI);
    assertThat(overlap).isEmpty();
  }
}
