package dev.crossgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The launcher's sidecar settings: every JVM flag in {@code ./crossgate}'s {@code sidecar_opts}
 * is one this JDK accepts (run without {@code -XX:+IgnoreUnrecognizedVMOptions}, which the
 * launcher adds only for older JDK 17 updates), {@link SidecarMain} answers {@code --help} with
 * them, and Logback's in-code set-up applies only when asked for.
 */
class SidecarLauncherTest {

  private static final Path LAUNCHER = Path.of("..", "crossgate");

  @Test
  void theLaunchersSidecarFlagsAreAcceptedAndSidecarMainAnswersHelp() throws Exception {
    List<String> flags = sidecarFlags();
    assertThat(flags).contains("-XX:+UseSerialGC", "-Dcrossgate.logging.programmatic=true")
        .anyMatch(f -> f.startsWith("-Xmx"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    flags.stream().filter(f -> !f.equals("-XX:+IgnoreUnrecognizedVMOptions")).forEach(command::add);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        SidecarMain.class.getName(), "--help"));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).startsWith("Usage: crossgate sidecar ").contains("--app-port=PORT")
        .doesNotContain("Unrecognized", "warning", "Error");
  }

  @Test
  void sidecarMainRefusesAnUnknownOptionWithTheUsage() {
    var commandLine = SidecarMain.commandLine();
    var err = new java.io.StringWriter();
    commandLine.setErr(new java.io.PrintWriter(err, true));
    assertThat(commandLine.execute("--bogus")).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown option: '--bogus'")
        .contains("Usage: crossgate sidecar");
  }

  @Test
  void logbackIsSetUpInCodeOnlyWithTheProperty() {
    String before = System.getProperty(SidecarLogging.PROPERTY);
    try {
      System.clearProperty(SidecarLogging.PROPERTY);
      LoggerContext plain = new LoggerContext();
      assertThat(new SidecarLogging().configure(plain)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
      assertThat(plain.getLogger("ROOT").iteratorForAppenders().hasNext()).isFalse();

      System.setProperty(SidecarLogging.PROPERTY, "true");
      LoggerContext coded = new LoggerContext();
      assertThat(new SidecarLogging().configure(coded))
          .isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
      assertThat(coded.getLogger("ROOT").getAppender("STDERR")).isNotNull();
      assertThat(coded.getLogger("io.netty").getLevel().levelStr).isEqualTo("WARN");
    } finally {
      if (before == null) {
        System.clearProperty(SidecarLogging.PROPERTY);
      } else {
        System.setProperty(SidecarLogging.PROPERTY, before);
      }
    }
  }

  /** The words of {@code sidecar_opts=(...)} in the launcher. */
  private static List<String> sidecarFlags() throws IOException {
    Matcher matcher = Pattern.compile("(?s)\\nsidecar_opts=\\((.*?)\\)\\n")
        .matcher(Files.readString(LAUNCHER));
    assertThat(matcher.find()).as("sidecar_opts=( ... ) in " + LAUNCHER.toAbsolutePath()).isTrue();
    return Arrays.stream(matcher.group(1).split("\\s+")).filter(w -> !w.isEmpty()).toList();
  }
}
