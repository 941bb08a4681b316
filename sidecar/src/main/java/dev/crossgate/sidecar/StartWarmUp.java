package dev.crossgate.sidecar;

import dev.crossgate.policy.codec.PolicyLoader;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads and initializes, on a thread of its own, the classes a sidecar needs before it is ready
 * but only after the mesh CA or the engine answered: the policy loader (Jackson databind and the
 * policy model, for the first snapshot) and the JDK's TLS stack (for the listeners). The start
 * path waits for the network most of its time; on a second core this work is done by then.
 * Nothing it builds is kept: the classes stay loaded, that is all. Failures are only logged.
 * {@code SidecarMain} begins it before parsing the command line; {@link SidecarServer#start}
 * begins it too (once per JVM either way).
 *
 * <p>Off unless {@code -Dcrossgate.sidecar.warm-up=true}: it only helps with an idle second core
 * (it moves work, it does not remove any), and on a busy host it measured 0.1–0.25 s more CPU to
 * ready (bench/results/2026-11-29-sidecar.md, session 4).
 */
public final class StartWarmUp {

  private static final Logger LOG = LoggerFactory.getLogger(StartWarmUp.class);

  private static final AtomicBoolean BEGUN = new AtomicBoolean();

  private StartWarmUp() {}

  /** Turns the warm-up on ({@code -Dcrossgate.sidecar.warm-up=true}). */
  static final String PROPERTY = "crossgate.sidecar.warm-up";

  /** Starts the warm-up on a daemon thread, the first time only, and returns at once. */
  public static void begin() {
    if (Boolean.parseBoolean(System.getProperty(PROPERTY, "false"))
        && BEGUN.compareAndSet(false, true)) {
      Thread thread = new Thread(StartWarmUp::run, "crossgate-sidecar-warm-up");
      thread.setDaemon(true);
      thread.setPriority(Thread.NORM_PRIORITY - 1);
      thread.start();
    }
  }

  static void run() {
    try {
      // The first snapshot goes through the same loader (resources JSON → policy model).
      PolicyLoader.loadString("warm-up.json", "[]");
      // Netty's JDK TLS context: its static set-up builds the JDK's default SSLContext.
      Class.forName("io.netty.handler.ssl.JdkSslContext", true,
          StartWarmUp.class.getClassLoader());
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      LOG.debug("start warm-up: {}", e.toString());
    }
  }
}
