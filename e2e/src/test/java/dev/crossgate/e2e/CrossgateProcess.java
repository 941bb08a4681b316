package dev.crossgate.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./crossgate} run as a user runs it, from the repository root, with its output captured.
 * The launcher is told never to build: the Maven reactor has built the CLI before this module.
 */
final class CrossgateProcess implements AutoCloseable {

  private static final Pattern SERVING = Pattern.compile(
      "gateway serving \\{http=(\\d+)\\}.*admin on http://[^:]+:(\\d+)");

  private final Process process;
  private final List<String> stderr = new CopyOnWriteArrayList<>();
  private final List<String> stdout = new CopyOnWriteArrayList<>();
  private final List<Thread> pumps;

  private CrossgateProcess(Process process) {
    this.process = process;
    this.pumps = List.of(pump(process.getErrorStream(), stderr),
        pump(process.getInputStream(), stdout));
  }

  static Path repositoryRoot() {
    Path here = Path.of("").toAbsolutePath();
    while (here != null && !Files.exists(here.resolve("crossgate"))) {
      here = here.getParent();
    }
    if (here == null) {
      throw new IllegalStateException("no ./crossgate launcher above " + Path.of("")
          .toAbsolutePath());
    }
    return here;
  }

  static CrossgateProcess start(Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(repositoryRoot().resolve("crossgate").toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(repositoryRoot().toFile());
    builder.environment().put("CROSSGATE_NO_BUILD", "1");
    builder.environment().putAll(env);
    return new CrossgateProcess(builder.start());
  }

  private static Thread pump(java.io.InputStream in, List<String> into) {
    Thread thread = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(in,
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          into.add(line);
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }, "crossgate-output");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** Waits for the "gateway serving" line; returns {gatewayPort, adminPort}. */
  int[] awaitServing() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      for (String line : stderr) {
        Matcher matcher = SERVING.matcher(line);
        if (matcher.find()) {
          return new int[] {Integer.parseInt(matcher.group(1)),
              Integer.parseInt(matcher.group(2))};
        }
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("crossgate exited with " + process.exitValue() + ": "
            + String.join("\n", stderr));
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("crossgate did not start in 60 s: " + stderr);
  }

  /** Waits up to 90 s for a stderr line matching {@code pattern}; returns the match. */
  Matcher awaitLine(Pattern pattern) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      for (String line : stderr) {
        Matcher matcher = pattern.matcher(line);
        if (matcher.find()) {
          return matcher;
        }
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("crossgate exited with " + process.exitValue() + ": "
            + String.join("\n", stderr));
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("no line matching " + pattern + " in 90 s: " + stderr);
  }

  /** Kills the process (SIGKILL), as a crash would, and waits for it to be gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Waits for the process to end by itself; returns its exit code. */
  int awaitExit() throws InterruptedException {
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("crossgate still running after 60 s: " + stderr);
    }
    // the pumps read until the end of the output: every line is in once they are done (a fixed
    // pause here lost the last lines on a loaded machine)
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (Thread pump : pumps) {
      pump.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      if (pump.isAlive()) {
        throw new IllegalStateException("crossgate's output still open 30 s after it exited");
      }
    }
    return process.exitValue();
  }

  /** Sends SIGTERM and waits for a clean exit; returns the exit code. */
  int terminate() throws InterruptedException {
    process.destroy();
    return awaitExit();
  }

  String stderr() {
    return String.join("\n", stderr);
  }

  String stdout() {
    return String.join("\n", stdout);
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
