package dev.crossgate.routing.ratelimit;

/** Decides, per key, whether one more request may pass. Safe to call from any thread. */
public interface RateLimiter {

  /** Takes one request's token for {@code key} if one is left; never blocks. */
  Decision tryAcquire(String key);
}
