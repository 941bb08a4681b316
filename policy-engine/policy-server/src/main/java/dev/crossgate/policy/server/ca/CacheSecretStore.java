package dev.crossgate.policy.server.ca;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Optional;
import org.infinispan.Cache;

/**
 * A {@link SecretStore} in the engine's Infinispan cache, under keys that start with
 * {@code mesh-ca/}, so the CA lives (and replicates) with the policy. Cache calls run on worker
 * threads.
 */
public final class CacheSecretStore implements SecretStore {

  static final String PREFIX = "mesh-ca/";

  private final Vertx vertx;
  private final Cache<String, String> cache;

  public CacheSecretStore(Vertx vertx, Cache<String, String> cache) {
    this.vertx = requireNonNull(vertx, "vertx");
    this.cache = requireNonNull(cache, "cache");
  }

  @Override
  public Future<Optional<String>> get(String key) {
    return vertx.executeBlocking(() -> Optional.ofNullable(cache.get(PREFIX + key)), false);
  }

  @Override
  public Future<String> putIfAbsent(String key, String value) {
    requireNonNull(value, "value");
    return vertx.executeBlocking(() -> {
      String earlier = cache.putIfAbsent(PREFIX + key, value);
      return earlier == null ? value : earlier;
    }, false);
  }

  @Override
  public Future<Void> put(String key, String value) {
    requireNonNull(value, "value");
    return vertx.executeBlocking(() -> {
      cache.put(PREFIX + key, value);
      return null;
    }, false);
  }
}
