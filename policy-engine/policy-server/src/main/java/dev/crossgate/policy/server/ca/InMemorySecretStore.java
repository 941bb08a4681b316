package dev.crossgate.policy.server.ca;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Future;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** A {@link SecretStore} in memory, for an engine without persistence and for tests. */
public final class InMemorySecretStore implements SecretStore {

  private final ConcurrentMap<String, String> values = new ConcurrentHashMap<>();

  @Override
  public Future<Optional<String>> get(String key) {
    return Future.succeededFuture(Optional.ofNullable(values.get(key)));
  }

  @Override
  public Future<String> putIfAbsent(String key, String value) {
    String earlier = values.putIfAbsent(requireNonNull(key, "key"), requireNonNull(value, "value"));
    return Future.succeededFuture(earlier == null ? value : earlier);
  }

  @Override
  public Future<Void> put(String key, String value) {
    values.put(requireNonNull(key, "key"), requireNonNull(value, "value"));
    return Future.succeededFuture();
  }
}
