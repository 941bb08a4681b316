package dev.crossgate.routing.ratelimit;

import io.vertx.core.Future;

/** Decides, per key, whether one more request may pass. Safe to call from any thread. */
public interface RateLimiter {

  /** Takes one request's token for {@code key} if one is left; never blocks nor waits. */
  Decision tryAcquire(String key);

  /**
   * The same, for limiters that may have to wait for tokens (a global limit's first lease for a
   * key): the future completes on the caller's Vert.x context. Local limiters answer at once.
   */
  default Future<Decision> acquire(String key) {
    return Future.succeededFuture(tryAcquire(key));
  }
}
