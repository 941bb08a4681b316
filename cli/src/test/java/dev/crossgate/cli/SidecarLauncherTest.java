package dev.crossgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's sidecar settings: every JVM flag in {@code ./crossgate}'s {@code sidecar_opts}
 * is one this JDK accepts (run without {@code -XX:+IgnoreUnrecognizedVMOptions}, which the
 * launcher adds only for older JDK 17 updates), {@link SidecarMain} answers {@code --help} with
 * them, and with slf4j-simple (the sidecar's SLF4J backend) it logs in the CLI's layout.
 */
class SidecarLauncherTest {

  private static final Path LAUNCHER = Path.of("..", "crossgate");

  @Test
  void theLaunchersSidecarFlagsAreAcceptedAndSidecarMainAnswersHelp() throws Exception {
    List<String> flags = sidecarFlags();
    assertThat(flags).contains("-XX:+UseSerialGC")
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
  void theLaunchersSidecarFlagsGiveVertxNettysPooledAllocatorWithSmallChunks() throws Exception {
    // Vert.x takes Netty's default allocator for its channels (the adaptive one in Netty 4.2,
    // which holds 2 MiB chunks); the flags make it the pooled one: one arena, 512 KiB chunks.
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    sidecarFlags().stream().filter(f -> !f.equals("-XX:+IgnoreUnrecognizedVMOptions"))
        .forEach(command::add);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        SidecarAllocatorProbe.class.getName()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output.strip())
        .isEqualTo("allocator=PooledByteBufAllocator chunk=524288 directArenas=1");
  }

  @Test
  void aPlainCommandLineThatPicocliMustRefuseGetsPicocliSMessage() throws Exception {
    // SidecarArgs reads it (plain values), the options are incomplete: picocli answers.
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", System.getProperty("java.class.path"), SidecarMain.class.getName(),
        "--service", "reviews", "--inbound-port", "0")
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isEqualTo(2);
    assertThat(output).startsWith("Missing required option: '--app-port=PORT'")
        .contains("Usage: crossgate sidecar");
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
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void sidecarMainLogsThroughSlf4jSimpleInTheCliLayout(@TempDir Path state) throws Exception {
    // A kept snapshot that is not JSON: the sidecar logs a WARN at start, with no engine.
    Path kept = Files.createDirectories(state.resolve("sidecar").resolve("shop.reviews"));
    Files.writeString(kept.resolve("last-known-good.json"), "not json");
    List<String> classpath = new ArrayList<>(Arrays.stream(
        System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .filter(entry -> !Path.of(entry).getFileName().toString().startsWith("logback-"))
        .toList());
    try (var simple = Files.newDirectoryStream(Path.of("target", "lib-sidecar"), "slf4j-simple-*.jar")) {
      simple.forEach(jar -> classpath.add(jar.toString()));
    }
    assertThat(classpath).anyMatch(entry -> entry.contains("slf4j-simple-"));
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:auto",
        "-cp", String.join(java.io.File.pathSeparator, classpath), SidecarMain.class.getName(),
        "--service", "reviews", "--namespace", "shop", "--app-port", "9",
        "--control-plane", "127.0.0.1:1", "--join-token", "not-used", "--inbound-port", "0",
        "--outbound-port", "0", "--admin-port", "0", "--state-dir", state.toString()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(
        process.getInputStream(), StandardCharsets.UTF_8))) {
      List<String> seen = new ArrayList<>();
      String line;
      while ((line = lines.readLine()) != null && !line.contains("last-known-good")) {
        seen.add(line);
      }
      assertThat(line).as("output: %s", seen).isNotNull()
          .matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN KeptState - "
              + "ignoring the last-known-good snapshot: .*");
      assertThat(seen).noneMatch(l -> l.startsWith("SLF4J")).noneMatch(l -> l.contains("logback"));
    } finally {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void sidecarLoggingSetsTheCliLevelsForSlf4jSimple() {
    assertThat(SidecarLogging.settings(null))
        .containsEntry("org.slf4j.simpleLogger.defaultLogLevel", "info")
        .containsEntry("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS")
        .containsEntry("org.slf4j.simpleLogger.showShortLogName", "true")
        .containsEntry("org.slf4j.simpleLogger.showThreadName", "false")
        .containsEntry("org.slf4j.simpleLogger.logFile", "System.err")
        .containsEntry("org.slf4j.simpleLogger.log.io.netty", "warn")
        .containsEntry("org.slf4j.simpleLogger.log.io.vertx", "warn")
        .containsEntry("org.slf4j.simpleLogger.log.io.micrometer.core.instrument.MeterRegistry",
            "error");
    assertThat(SidecarLogging.settings(" DEBUG ")).containsEntry(
        "org.slf4j.simpleLogger.defaultLogLevel", "debug");
    assertThat(SidecarLogging.settings("loud")).containsEntry(
        "org.slf4j.simpleLogger.defaultLogLevel", "info");
  }

  /** The words of {@code sidecar_opts=(...)} in the launcher. */
  private static List<String> sidecarFlags() throws IOException {
    Matcher matcher = Pattern.compile("(?s)\\nsidecar_opts=\\((.*?)\\)\\n")
        .matcher(Files.readString(LAUNCHER));
    assertThat(matcher.find()).as("sidecar_opts=( ... ) in " + LAUNCHER.toAbsolutePath()).isTrue();
    return Arrays.stream(matcher.group(1).split("\\s+")).filter(w -> !w.isEmpty()).toList();
  }
}
