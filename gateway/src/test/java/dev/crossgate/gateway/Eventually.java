package dev.crossgate.gateway;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Polls for an asynchronous outcome with a generous deadline instead of sleeping a fixed time. */
final class Eventually {

  static final Duration DEADLINE = Duration.ofSeconds(30); // generous: a loaded 2-core CI host

  private Eventually() {}

  /**
   * Runs {@code check} until it returns without throwing (assertion errors included) or the
   * deadline passes; then the last failure is rethrown.
   */
  static void untilPasses(ThrowingRunnable check) throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (true) {
      try {
        check.run();
        return;
      } catch (Exception | AssertionError e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
      Thread.sleep(20);
    }
  }

  /** Waits until {@code condition} is true; fails with {@code what} after the deadline. */
  static void until(String what, Callable<Boolean> condition) throws Exception {
    untilPasses(() -> {
      if (!condition.call()) {
        throw new AssertionError("not within " + DEADLINE.toSeconds() + " s: " + what);
      }
    });
  }

  /** A check that may throw. */
  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }
}
