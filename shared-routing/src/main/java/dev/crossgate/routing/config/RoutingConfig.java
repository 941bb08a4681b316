package dev.crossgate.routing.config;

import dev.crossgate.routing.upstream.Backend;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable, compiled routing configuration: what one gateway serves. Replaced as a whole on
 * every change; requests in flight keep the instance they started with.
 *
 * @param version a version identifier (content hash of the source)
 * @param source where the configuration came from (a file path, {@code built-in demo}, …)
 * @param loadedAt when it was compiled
 * @param gatewayName the {@code namespace/name} of the Gateway resource served
 * @param listeners the listeners, by name
 * @param backends the backends, by {@code namespace/name}
 * @param resourcesJson the source resources as JSON, for {@code /config_dump}
 */
public record RoutingConfig(String version, String source, Instant loadedAt, String gatewayName,
    Map<String, Listener> listeners, Map<String, Backend> backends, String resourcesJson) {

  public RoutingConfig {
    listeners = Map.copyOf(listeners);
    backends = Map.copyOf(backends);
  }

  /** A configuration with no listeners, for a data plane still waiting for its first one. */
  public static RoutingConfig empty(String source) {
    return new RoutingConfig("none", source, Instant.now(), "", Map.of(), Map.of(), "[]");
  }

  /** The listener bound to {@code port}, if any. */
  public Optional<Listener> listenerOnPort(int port) {
    return listeners.values().stream().filter(l -> l.port() == port).findFirst();
  }

  /** Every listener port. */
  public List<Integer> ports() {
    return listeners.values().stream().map(Listener::port).sorted().toList();
  }
}
