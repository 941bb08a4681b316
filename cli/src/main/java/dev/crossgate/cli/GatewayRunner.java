package dev.crossgate.cli;

import dev.crossgate.gateway.GatewayOptions;
import dev.crossgate.gateway.GatewayServer;
import dev.crossgate.routing.config.ConfigException;
import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/** Starts a gateway, reports how start-up went, and keeps it running until the JVM stops. */
final class GatewayRunner {

  private GatewayRunner() {}

  /**
   * Runs until interrupted (Ctrl-C or SIGTERM).
   *
   * @param onStarted called once the gateway serves
   * @return the exit code
   */
  static int runUntilStopped(GatewayOptions options, PrintWriter err,
      Consumer<GatewayServer> onStarted, Runnable onStopped) {
    return runUntilStopped(options, null, err, onStarted, onStopped);
  }

  /** The same, joining the mesh with {@code meshJoinToken} (null: not). */
  static int runUntilStopped(GatewayOptions options, String meshJoinToken, PrintWriter err,
      Consumer<GatewayServer> onStarted, Runnable onStopped) {
    GatewayServer server;
    try {
      server = GatewayServer.start(options, meshJoinToken);
    } catch (ConfigException e) {
      err.println("crossgate: not starting: " + e.getMessage());
      err.flush();
      return ExitCodes.INVALID_CONFIG;
    } catch (IllegalStateException e) {
      err.println("crossgate: could not start: " + e.getMessage());
      err.flush();
      return ExitCodes.START_FAILED;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      onStopped.run();
      stopped.countDown();
    }, "crossgate-shutdown"));
    onStarted.accept(server);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return ExitCodes.OK;
  }
}
