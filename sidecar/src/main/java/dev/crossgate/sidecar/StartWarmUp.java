package dev.crossgate.sidecar;

import dev.crossgate.policy.codec.PolicyLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads and initializes, on a thread of its own, the classes a sidecar needs before it is ready
 * but only after the mesh CA or the engine answered: the policy loader (Jackson databind and the
 * policy model, for the first snapshot) and the JDK's TLS stack (for the listeners). The start
 * path waits for the network most of its time; on a second core this work is done by then.
 * Nothing it builds is kept: the classes stay loaded, that is all. Failures are only logged.
 */
final class StartWarmUp {

  private static final Logger LOG = LoggerFactory.getLogger(StartWarmUp.class);

  private StartWarmUp() {}

  /** Starts the warm-up on a daemon thread and returns at once. */
  static Thread start() {
    Thread thread = new Thread(StartWarmUp::run, "crossgate-sidecar-warm-up");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  static void run() {
    try {
      // The first snapshot goes through the same loader (resources JSON → policy model).
      PolicyLoader.loadString("warm-up.json", "[]");
      // Netty's JDK TLS context (its static set-up builds a default SSLContext) and an engine.
      Class.forName("io.netty.handler.ssl.JdkSslContext", true,
          StartWarmUp.class.getClassLoader());
      javax.net.ssl.SSLContext.getInstance("TLSv1.3").init(null, null, null);
    } catch (ReflectiveOperationException | java.security.GeneralSecurityException
        | RuntimeException | LinkageError e) {
      LOG.debug("start warm-up: {}", e.toString());
    }
  }
}
