package dev.crossgate.gateway;

import dev.crossgate.routing.config.Listener;
import dev.crossgate.routing.config.RoutingConfig;
import dev.crossgate.routing.tls.ListenerTls;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bound servers of every HTTPS listener and the certificates they serve. New certificates
 * (changed files, or a configuration whose certificates or minimum version differ) are handed to
 * every server of the listener with {@link HttpServer#updateSSLOptions}: new handshakes use them,
 * open connections carry on untouched.
 */
final class TlsServers {

  private static final Logger LOG = LoggerFactory.getLogger(TlsServers.class);

  private final Map<String, List<HttpServer>> servers = new ConcurrentHashMap<>();
  private final Map<String, ListenerTls> serving = new ConcurrentHashMap<>();

  /**
   * The certificates a new server of {@code listener} starts with: the latest reloaded ones
   * when they come from the same files, else the compiled ones.
   */
  ListenerTls startWith(Listener listener) {
    ListenerTls compiled = listener.tls();
    ListenerTls latest = serving.get(listener.name());
    if (latest != null && latest.sources().equals(compiled.sources())
        && latest.minVersion().equals(compiled.minVersion())) {
      return latest;
    }
    serving.put(listener.name(), compiled);
    return compiled;
  }

  void register(String listener, HttpServer server) {
    servers.computeIfAbsent(listener, n -> new CopyOnWriteArrayList<>()).add(server);
  }

  void unregister(String listener, HttpServer server) {
    List<HttpServer> list = servers.get(listener);
    if (list != null) {
      list.remove(server);
    }
  }

  /** The TLS settings each HTTPS listener serves now. */
  Map<String, ListenerTls> serving() {
    return Map.copyOf(serving);
  }

  /**
   * After a configuration change: listeners whose certificate texts or minimum version changed
   * get them; the others keep what they serve (which may be newer, reloaded certificates).
   */
  void configApplied(RoutingConfig config) {
    Map<String, ListenerTls> wanted = new LinkedHashMap<>();
    for (Listener listener : config.listeners().values()) {
      if (listener.tls() != null) {
        wanted.put(listener.name(), listener.tls());
      }
    }
    serving.keySet().retainAll(wanted.keySet());
    wanted.forEach((name, tls) -> {
      ListenerTls current = serving.get(name);
      if (current == null) {
        serving.put(name, tls);
      } else if (!current.fingerprint().equals(tls.fingerprint())
          || !current.minVersion().equals(tls.minVersion())
          || !current.sources().equals(tls.sources())) {
        update(name, tls);
      }
    });
  }

  /** Serves {@code tls} on every server of {@code listener}. */
  Future<Void> update(String listener, ListenerTls tls) {
    serving.put(listener, tls);
    List<Future<Boolean>> updates = new ArrayList<>();
    for (HttpServer server : servers.getOrDefault(listener, List.of())) {
      updates.add(server.updateSSLOptions(tls.serverOptions(), true));
    }
    return Future.all(updates)
        .onSuccess(v -> LOG.info("listener {}: serving certificates {}", listener,
            tls.keys().stream().map(k -> k.name() + " " + k.hostnames()).toList()))
        .onFailure(e -> LOG.error("listener {}: updating certificates failed: {}", listener,
            e.toString()))
        .mapEmpty();
  }
}
