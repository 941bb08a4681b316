package dev.crossgate.policy.server.api;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.infinispan.Cache;
import org.infinispan.notifications.Listener;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryCreated;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryModified;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryRemoved;
import org.infinispan.notifications.cachelistener.event.CacheEntryEvent;

/**
 * API tokens every engine of a cluster accepts: a persistent (and, in a cluster, replicated)
 * cache from the SHA-256 of a token, in hex, to the token's name. Plaintext is never stored. An
 * in-memory copy, kept current by a listener, answers lookups without touching the cache, so
 * authentication never blocks the event loop.
 */
public final class SharedTokens {

  private final Vertx vertx;
  private final Cache<String, String> cache;
  private final Map<String, String> names = new ConcurrentHashMap<>();

  private SharedTokens(Vertx vertx, Cache<String, String> cache) {
    this.vertx = vertx;
    this.cache = cache;
  }

  /** Tokens in {@code cache}. Blocks while it is read: call it off the event loop. */
  public static SharedTokens over(Vertx vertx, Cache<String, String> cache) {
    SharedTokens tokens = new SharedTokens(requireNonNull(vertx, "vertx"),
        requireNonNull(cache, "cache"));
    cache.addListener(tokens.new Mirror());
    tokens.names.putAll(cache);
    return tokens;
  }

  /** The name of the token whose SHA-256 is {@code digestHex}, if it is shared. */
  Optional<String> nameOf(String digestHex) {
    return Optional.ofNullable(names.get(digestHex));
  }

  /** The names of the shared tokens, sorted. */
  Set<String> names() {
    return new TreeSet<>(names.values());
  }

  /** Shares a token (by its digest); completes once every engine has it. */
  Future<Void> put(String digestHex, String name) {
    return vertx.executeBlocking(() -> {
      cache.put(digestHex, name);
      names.put(digestHex, name);
      return null;
    }, false);
  }

  /** Shares, without waiting, the digests of tokens kept in files (e.g. each engine's admin). */
  void putIfAbsent(String digestHex, String name) {
    cache.putIfAbsent(digestHex, name);
    names.putIfAbsent(digestHex, name);
  }

  /** Revokes every shared token named {@code name}; completes with how many there were. */
  Future<Integer> remove(String name) {
    return vertx.executeBlocking(() -> {
      int removed = 0;
      for (Map.Entry<String, String> entry : Map.copyOf(names).entrySet()) {
        if (entry.getValue().equals(name)) {
          cache.remove(entry.getKey());
          names.remove(entry.getKey());
          removed++;
        }
      }
      return removed;
    }, false);
  }

  /** Keeps the in-memory copy current with writes from any engine. */
  @Listener(sync = true)
  public final class Mirror {

    @CacheEntryCreated
    @CacheEntryModified
    @CacheEntryRemoved
    public void changed(CacheEntryEvent<String, String> event) {
      if (event.isPre()) {
        return;
      }
      if (event.getType() == org.infinispan.notifications.cachelistener.event.Event.Type
          .CACHE_ENTRY_REMOVED || event.getValue() == null) {
        names.remove(event.getKey());
      } else {
        names.put(event.getKey(), event.getValue());
      }
    }
  }
}
