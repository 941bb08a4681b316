package dev.crossgate.routing.authn;

import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The key-set caches of one process, one per {@code jwksUri}, kept across configuration
 * recompiles so a reload neither forgets keys nor refetches them.
 */
public final class JwksCaches {

  /** How old a cached key set may get before it is refreshed in the background. */
  public static final Duration REFRESH_INTERVAL = Duration.ofMinutes(5);

  /** The shortest time between refreshes caused by unknown {@code kid}s. */
  public static final Duration MIN_REFRESH_GAP = Duration.ofSeconds(30);

  /** How long one key-set fetch may take. */
  public static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);

  private final Vertx vertx;
  private final Map<URI, JwksCache> caches = new ConcurrentHashMap<>();

  /** Caches fetching with this Vert.x instance's HTTP client. */
  public JwksCaches(Vertx vertx) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
  }

  /** The cache for {@code uri}, created on first use. */
  public JwksCache forUri(URI uri) {
    return caches.computeIfAbsent(uri,
        u -> new JwksCache(vertx, u, REFRESH_INTERVAL, MIN_REFRESH_GAP, FETCH_TIMEOUT));
  }

  /** Closes and forgets the caches of URIs no longer configured. */
  public void retainOnly(Set<URI> uris) {
    caches.entrySet().removeIf(entry -> {
      if (uris.contains(entry.getKey())) {
        return false;
      }
      entry.getValue().close();
      return true;
    });
  }
}
