package dev.crossgate.policy.server.ca;

import io.vertx.core.Future;
import java.util.Optional;

/**
 * Where the CA keeps its root and the join tokens: string values under string keys, shared by
 * every engine of a cluster. Methods never block the calling event loop.
 */
public interface SecretStore {

  /** The value under {@code key}, if any. */
  Future<Optional<String>> get(String key);

  /**
   * Stores {@code value} unless {@code key} already has one, and returns the value that is
   * stored afterwards: two engines racing to create a root agree on one.
   */
  Future<String> putIfAbsent(String key, String value);

  /** Stores {@code value} under {@code key}, replacing any earlier value. */
  Future<Void> put(String key, String value);
}
