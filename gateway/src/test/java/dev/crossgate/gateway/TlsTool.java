package dev.crossgate.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code openssl} and {@code curl} (from /usr/bin) against a listener and captures output. */
final class TlsTool {

  /**
   * The result of one run.
   *
   * @param exitCode the process's exit code
   * @param output stdout and stderr together
   */
  record Result(int exitCode, String output) {}

  private TlsTool() {}

  /** {@code openssl s_client -connect 127.0.0.1:port} with {@code args}, no input. */
  static Result sClient(int port, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("/usr/bin/openssl", "s_client", "-connect",
        "127.0.0.1:" + port));
    command.addAll(List.of(args));
    return run(command);
  }

  static Result curl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("/usr/bin/curl", "-sS", "--max-time", "10"));
    command.addAll(List.of(args));
    return run(command);
  }

  static Result run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(command + " did not finish in 20 s");
    }
    return new Result(process.exitValue(),
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }
}
