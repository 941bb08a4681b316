package dev.crossgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's start path (docs/sidecar.md, "Footprint"): a sidecar runs from the CLI's
 * classes, the sidecar module's one jar ({@code sidecar/target/sidecar-all.jar}), picocli and
 * slf4j-simple alone, and loads BoringSSL from the library the build unpacked
 * ({@code cli/target/native}) instead of copying it out of a jar. It gets its certificate from
 * a real engine (BouncyCastle from the one jar), becomes ready, and answers {@code /metrics}.
 */
class SidecarOneJarTest {

  private static final Path ONE_JAR = Path.of("..", "sidecar", "target", "sidecar-all.jar");
  private static final Path NATIVE = Path.of("target", "native");

  @Test
  void theOneJarHoldsNoSignatureFilesAndMergedServiceFiles() throws IOException {
    assertThat(ONE_JAR).as("built by the sidecar module's package phase").exists();
    try (ZipFile jar = new ZipFile(ONE_JAR.toFile())) {
      assertThat(jar.stream().map(e -> e.getName()))
          .noneMatch(name -> name.matches("META-INF/[^/]*\\.(SF|RSA|DSA|EC)"))
          .contains("org/bouncycastle/pkcs/PKCS10CertificationRequest.class",
              "dev/crossgate/sidecar/SidecarServer.class",
              "META-INF/native/libnetty_tcnative_linux_x86_64.so");
      String manifest = new String(jar.getInputStream(jar.getEntry("META-INF/MANIFEST.MF"))
          .readAllBytes(), StandardCharsets.UTF_8);
      assertThat(manifest).contains("Multi-Release: true");
      // Vert.x core and vertx-grpc-common both name providers: both lines are kept.
      String providers = new String(jar.getInputStream(jar.getEntry(
          "META-INF/services/io.vertx.core.spi.VertxServiceProvider")).readAllBytes(),
          StandardCharsets.UTF_8);
      assertThat(providers).contains("io.vertx.micrometer.MicrometerMetricsFactory",
          "io.vertx.grpc.common.impl.GrpcRequestLocalRegistration");
    }
  }

  @Test
  @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aSidecarFromTheOneJarAndTheUnpackedBoringSslBecomesReady(@TempDir Path data)
      throws Exception {
    assertThat(ONE_JAR).exists();
    assertThat(NATIVE.resolve("libnetty_tcnative_linux_x86_64.so")).exists();
    try (PolicyServer engine = PolicyServer.start(PolicyServerOptions.defaults(
        data.resolve("engine")).withApi("127.0.0.1", 0).withDistributionPort(0))) {
      String joinToken = joinToken(engine, data);
      Path workdir = Files.createDirectories(data.resolve("netty-workdir"));
      List<String> classpath = new ArrayList<>(List.of(Path.of("target", "classes").toString(),
          ONE_JAR.toString()));
      Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
          .filter(entry -> Path.of(entry).getFileName().toString().startsWith("picocli-"))
          .forEach(classpath::add);
      try (Stream<Path> simple = Files.list(Path.of("target", "lib-sidecar"))) {
        simple.filter(jar -> jar.getFileName().toString().startsWith("slf4j-simple-"))
            .forEach(jar -> classpath.add(jar.toString()));
      }
      assertThat(classpath).hasSize(4);
      int admin = freePort();
      Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
          .toString(), "-Djava.library.path=" + NATIVE.toAbsolutePath(),
          // Where Netty would copy the library to if it did not load it from java.library.path.
          "-Dio.netty.native.workdir=" + workdir, "-Dio.netty.native.deleteLibAfterLoading=false",
          "-cp", String.join(File.pathSeparator, classpath), SidecarMain.class.getName(),
          "--service", "reviews", "--namespace", "shop", "--app-port", "9",
          "--control-plane", "127.0.0.1:" + engine.distributionPort(), "--join-token", joinToken,
          "--inbound-port", "0", "--outbound-port", "0", "--admin-port", String.valueOf(admin),
          "--state-dir", data.resolve("state").toString(), "--advertise-address", "127.0.0.1",
          "--drain-period", "0s", "--tls-engine", "openssl")
          .redirectErrorStream(true).redirectOutput(data.resolve("sidecar.log").toFile()).start();
      try {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        int status = 0;
        while (status != 200 && System.nanoTime() < deadline && process.isAlive()) {
          status = get(http, admin, "/ready").statusCode();
          if (status != 200) {
            Thread.sleep(50);
          }
        }
        assertThat(status).as(Files.readString(data.resolve("sidecar.log"))).isEqualTo(200);
        assertThat(get(http, admin, "/config_dump").body())
            .containsPattern("\"tlsEngine\" ?: ?\"openssl\"");
        assertThat(get(http, admin, "/metrics").body()).contains("crossgate_");
        try (Stream<Path> copied = Files.list(workdir)) {
          assertThat(copied).as("libraries Netty copied out of a jar").isEmpty();
        }
      } finally {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
      }
    }
  }

  /** The answer to GET {@code path}; status 0 while nothing listens on {@code port}. */
  private static Answer get(HttpClient http, int port, String path) throws InterruptedException {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body());
    } catch (IOException e) {
      return new Answer(0, e.toString());
    }
  }

  private record Answer(int statusCode, String body) {}

  private static String joinToken(PolicyServer engine, Path data) throws IOException {
    String admin = Files.readString(data.resolve("engine").resolve("tokens")
        .resolve("admin.token")).strip();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var commandLine = CrossgateCommand.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int code = commandLine.execute("token", "create", "--server",
        "http://127.0.0.1:" + engine.apiPort(), "--token", admin, "--namespace", "shop",
        "--service-account", "reviews", "--ttl", "10m");
    assertThat(code).as(err.toString()).isZero();
    return out.toString().strip();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
