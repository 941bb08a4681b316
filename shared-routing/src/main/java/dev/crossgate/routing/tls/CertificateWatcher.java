package dev.crossgate.routing.tls;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the PEM files of the running listeners and reloads a listener's certificates when
 * they change. Files are read on a worker thread. A change that cannot be loaded (a half-written
 * file, a key that does not match) is logged and the certificates in use stay; the files are
 * tried again at the next change.
 */
public final class CertificateWatcher {

  private static final Logger LOG = LoggerFactory.getLogger(CertificateWatcher.class);

  private final Vertx vertx;
  private final Supplier<Map<String, ListenerTls>> listeners;
  private final BiConsumer<String, ListenerTls> onReload;
  private final BiConsumer<String, TlsMaterialException> onFailure;
  private final Map<String, Seen> seen = new HashMap<>();
  private long timerId = -1;
  private boolean checking;

  /** What was last read for a listener, and from which compiled settings. */
  private record Seen(ListenerTls compiled, String fingerprint, ListenerTls current) {}

  /**
   * A watcher.
   *
   * @param listeners the running TLS listeners by name
   * @param onReload receives a listener's name and its settings with the new certificates;
   *     called on the event loop
   * @param onFailure receives a listener's name and why its changed files cannot be used;
   *     called on a worker thread
   */
  public CertificateWatcher(Vertx vertx, Supplier<Map<String, ListenerTls>> listeners,
      BiConsumer<String, ListenerTls> onReload,
      BiConsumer<String, TlsMaterialException> onFailure) {
    this.vertx = vertx;
    this.listeners = listeners;
    this.onReload = onReload;
    this.onFailure = onFailure;
  }

  /** Checks every {@code interval}. */
  public void start(Duration interval) {
    timerId = vertx.setPeriodic(Math.max(1, interval.toMillis()), id -> check());
  }

  /** Stops checking. */
  public void stop() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
  }

  private void check() {
    if (checking) {
      return;
    }
    checking = true;
    Map<String, ListenerTls> running = listeners.get();
    vertx.executeBlocking(() -> scan(running)).onComplete(ar -> {
      checking = false;
      if (ar.succeeded()) {
        ar.result().forEach(onReload);
      } else {
        LOG.warn("checking certificate files failed: {}", ar.cause().toString());
      }
    });
  }

  /** Reads the files of every listener; returns those whose certificates changed and load. */
  private synchronized Map<String, ListenerTls> scan(Map<String, ListenerTls> running) {
    seen.keySet().retainAll(running.keySet());
    Map<String, ListenerTls> reloaded = new HashMap<>();
    running.forEach((name, tls) -> {
      if (!tls.watched()) {
        return;
      }
      Seen last = seen.get(name);
      if (last == null || last.compiled() != tls) {
        last = new Seen(tls, tls.fingerprint(), tls);
      }
      String fingerprint = CertificateSource.fingerprint(tls.sources());
      if (fingerprint.equals(last.fingerprint())) {
        seen.put(name, last);
        return;
      }
      try {
        List<CertifiedKey> keys = ListenerTls.loadAll(tls.sources());
        ListenerTls next = last.current().withKeys(keys, fingerprint);
        seen.put(name, new Seen(tls, fingerprint, next));
        reloaded.put(name, next);
        LOG.info("listener {}: certificates reloaded ({})", name,
            keys.stream().map(k -> k.name() + " " + k.hostnames()).toList());
      } catch (TlsMaterialException e) {
        seen.put(name, new Seen(tls, fingerprint, last.current()));
        LOG.warn("listener {}: changed certificate files cannot be used, keeping the current"
            + " certificates: {}", name, e.getMessage());
        onFailure.accept(name, e);
      }
    });
    return reloaded;
  }
}
