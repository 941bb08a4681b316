package dev.crossgate.policy.server.ratelimit;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.infinispan.Cache;
import org.infinispan.configuration.cache.CacheMode;
import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.manager.EmbeddedCacheManager;

/**
 * The counters of global limits, one entry per (limit, key, window) in the cache
 * {@value #CACHE_NAME}: the tokens granted so far in that window. Synchronously replicated
 * across the engines of a cluster and kept in memory only (a window lasts an hour at most).
 * Grants are atomic across engines: a compare-and-set loop over the cache's conditional
 * {@code putIfAbsent} / {@code replace}, which Infinispan runs under the key's lock on its
 * primary owner. Every cache call is asynchronous; continuations run on the caller's context.
 */
public final class LeaseLedger {

  /** The cache of counters. */
  public static final String CACHE_NAME = "crossgate-rate-limits";

  /** The most counters one engine keeps; beyond it the least recently used are evicted. */
  static final long MAX_COUNTERS = 2_000_000;

  /** A counter outlives its window by this much, so late lookups of a window still see it. */
  private static final long SLACK_MILLIS = 60_000;

  /** Compare-and-set attempts before a grant gives up (only under extreme contention). */
  private static final int MAX_ATTEMPTS = 64;

  private final Vertx vertx;
  private final Cache<String, String> cache;
  private final Clock clock;

  LeaseLedger(Vertx vertx, Cache<String, String> cache, Clock clock) {
    this.vertx = requireNonNull(vertx, "vertx");
    this.cache = requireNonNull(cache, "cache");
    this.clock = requireNonNull(clock, "clock");
  }

  /**
   * The ledger over {@code manager}'s {@value #CACHE_NAME} cache, defined here when missing: a
   * replicated cache when the manager is clustered, else a local one. Blocks while the cache
   * starts: call it off the event loop.
   */
  public static LeaseLedger start(Vertx vertx, EmbeddedCacheManager manager, Clock clock) {
    if (manager.getCacheConfiguration(CACHE_NAME) == null) {
      ConfigurationBuilder config = new ConfigurationBuilder();
      config.clustering().cacheMode(manager.getCacheManagerConfiguration().isClustered()
          ? CacheMode.REPL_SYNC : CacheMode.LOCAL);
      config.memory().maxCount(MAX_COUNTERS);
      manager.defineConfiguration(CACHE_NAME, config.build());
    }
    Cache<String, String> cache = manager.getCache(CACHE_NAME);
    return new LeaseLedger(vertx, cache, clock);
  }

  /**
   * A grant of tokens.
   *
   * @param granted tokens granted, 0 when the window's budget is spent
   * @param limit the window's budget
   * @param remaining what is left of it after this grant
   * @param windowStartMillis the window's start, epoch milliseconds
   * @param windowRemainingMillis how long until the window ends
   */
  public record Grant(long granted, long limit, long remaining, long windowStartMillis,
      long windowRemainingMillis) {}

  /** Grants up to {@code requested} tokens of the current window of {@code limit} for {@code key}. */
  public Future<Grant> grant(GlobalLimit limit, String key, long requested) {
    long now = clock.millis();
    long start = limit.windowStart(now);
    long end = start + limit.unitMillis();
    String counter = limit.policy() + "|" + limit.limit() + "|" + limit.requests() + "/"
        + limit.unitMillis() + "|" + start + "|" + key;
    Window window = new Window(limit, counter, start, end, end - now + SLACK_MILLIS, now);
    return attempt(vertx.getOrCreateContext(), window, requested, 1);
  }

  private record Window(GlobalLimit limit, String counter, long start, long end, long lifespan,
      long now) {

    Grant grant(long granted, long used) {
      return new Grant(granted, limit.requests(), Math.max(0, limit.requests() - used), start,
          end - now);
    }
  }

  private Future<Grant> attempt(Context context, Window window, long requested, int attempt) {
    if (attempt > MAX_ATTEMPTS) {
      return Future.failedFuture(new LeaseRefusal(GrpcStatus.ABORTED, "the counter of "
          + window.counter() + " changed " + MAX_ATTEMPTS + " times while granting; retry"));
    }
    return Future.fromCompletionStage(cache.getAsync(window.counter()), context)
        .compose(value -> {
          long used = value == null ? 0 : Long.parseLong(value);
          long granted = LeaseGrants.size(requested, window.limit().requests() - used);
          if (granted == 0) {
            return Future.succeededFuture(window.grant(0, used));
          }
          String next = Long.toString(used + granted);
          Future<Boolean> written = value == null
              ? Future.fromCompletionStage(cache.putIfAbsentAsync(window.counter(), next,
                  window.lifespan(), TimeUnit.MILLISECONDS), context).map(previous -> previous == null)
              : Future.fromCompletionStage(cache.replaceAsync(window.counter(), value, next,
                  window.lifespan(), TimeUnit.MILLISECONDS), context);
          return written.compose(won -> won
              ? Future.succeededFuture(window.grant(granted, used + granted))
              : attempt(context, window, requested, attempt + 1));
        });
  }
}
