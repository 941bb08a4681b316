package dev.crossgate.routing.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A limit with {@code scope: Global}: the budget of each window (one unit, aligned on the
 * engine's clock) is counted by the policy engine, which hands this gateway leases of tokens per
 * key; requests spend them here without waiting on the network, and a new lease is asked for
 * when half of the last one is spent. The engine shrinks leases as the window's budget runs out,
 * so the gateways together admit the budget to within a few requests.
 *
 * <p>A request waits on the network only when its key has no tokens here and no knowledge says
 * the budget is spent: the first request of a key in a window (admitted at once on one token of
 * credit when the limit allows at least {@value #CREDIT_MIN_REQUESTS} requests, the credit paid
 * by the first lease), or traffic that outran the last lease.
 *
 * <p>When a lease fails (engine unreachable, or it refuses), the limit falls back for
 * {@link GlobalLeases#retryAfterFailure()}: with {@code failureMode: Open} to a per-replica
 * {@link LocalRateLimiter} of the same rate, with {@code Closed} by refusing; each fallback
 * decision is counted and the change of state is logged once.
 */
public final class GlobalRateLimiter implements RateLimiter {

  /** A limit this large admits a key's first request in a window on credit. */
  static final int CREDIT_MIN_REQUESTS = 200;

  /** The first lease asked for a key in a window. */
  static final long INITIAL_ASK = 16;

  /** The largest lease asked for. */
  static final long MAX_ASK = 10_000;

  /** A lease spent within this long is followed by one twice as large. */
  private static final long FAST_NANOS = Duration.ofSeconds(1).toNanos();

  private static final Logger LOG = LoggerFactory.getLogger(GlobalRateLimiter.class);

  private final String policy;
  private final String limit;
  private final Rate rate;
  private final boolean failOpen;
  private final GlobalLeases leases;
  private final LongSupplier clock;
  private final LocalRateLimiter fallback;
  private final Cache<String, Bucket> buckets;
  private final Counter fallbackCounter;
  private final Counter granted;
  private final Counter exhausted;
  private final Counter failed;
  private final Object stateLock = new Object();
  private long unavailableUntil = Long.MIN_VALUE;
  private boolean unavailable;

  /**
   * A global limit.
   *
   * @param policy the RateLimitPolicy as {@code namespace/name}
   * @param limit the limit's name
   * @param rate {@code requests} per unit; the window's budget (no burst)
   * @param failOpen whether requests pass (per-replica limits) when leases fail
   * @param leases where leases come from
   * @param maxKeys the most keys tracked at once
   * @param clock a monotonic nanosecond clock
   */
  public GlobalRateLimiter(String policy, String limit, Rate rate, boolean failOpen,
      GlobalLeases leases, long maxKeys, LongSupplier clock) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.limit = Objects.requireNonNull(limit, "limit");
    this.rate = Objects.requireNonNull(rate, "rate");
    this.failOpen = failOpen;
    this.leases = Objects.requireNonNull(leases, "leases");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.fallback = new LocalRateLimiter(rate, maxKeys, clock);
    this.buckets = Caffeine.newBuilder()
        .maximumSize(maxKeys)
        .expireAfterAccess(rate.period().plusSeconds(60))
        .ticker(clock::getAsLong)
        .executor(Runnable::run)
        .build();
    String mode = failOpen ? "open" : "closed";
    this.fallbackCounter = leases.fallbacks(policy, limit, mode);
    this.granted = leases.leases(policy, limit, "granted");
    this.exhausted = leases.leases(policy, limit, "exhausted");
    this.failed = leases.leases(policy, limit, "failed");
  }

  /** Whether leases currently fail, so the failure mode decides. */
  public boolean unavailable() {
    synchronized (stateLock) {
      return leases.source() == null || unavailable && clock.getAsLong() - unavailableUntil < 0;
    }
  }

  /**
   * Answers without waiting: a token of this key's lease if one is here; when the lease is spent
   * and the budget is not known to be, the failure mode's answer.
   */
  @Override
  public Decision tryAcquire(String key) {
    Future<Decision> decided = decide(key, false);
    return decided.isComplete() && decided.succeeded() ? decided.result() : fallBack(key);
  }

  @Override
  public Future<Decision> acquire(String key) {
    return decide(key, true);
  }

  private Future<Decision> decide(String key, boolean mayWait) {
    long now = clock.getAsLong();
    if (leases.source() == null) {
      return Future.succeededFuture(fallBack(key));
    }
    Bucket bucket = buckets.get(key, k -> new Bucket());
    Future<Void> pending;
    synchronized (bucket) {
      bucket.rollIfEnded(now);
      if (bucket.tokens > 0) {
        bucket.tokens--;
        renewIfLow(bucket, key, now);
        return Future.succeededFuture(new Decision(true, rate.requests(), bucket.tokens,
            bucket.untilEnd(now), 0));
      }
      if (bucket.exhausted) {
        long wait = Math.max(0, bucket.untilEnd(now));
        return Future.succeededFuture(new Decision(false, rate.requests(), 0, wait, wait));
      }
      if (unavailable()) {
        return Future.succeededFuture(fallBack(key));
      }
      if (bucket.pending == null) {
        startLease(bucket, key, now);
        if (unavailable()) {
          return Future.succeededFuture(fallBack(key)); // it failed at once
        }
        if (bucket.tokens > 0 || bucket.exhausted) {
          return decide(key, mayWait); // it answered at once
        }
      }
      if (bucket.fresh && bucket.tokens == 0 && rate.requests() >= CREDIT_MIN_REQUESTS) {
        bucket.tokens = -1; // paid by the lease just asked for
        return Future.succeededFuture(new Decision(true, rate.requests(), 0,
            rate.period().toNanos(), 0));
      }
      if (!mayWait) {
        return Future.succeededFuture(fallBack(key));
      }
      pending = bucket.pending;
    }
    if (pending == null) {
      return decide(key, true); // the lease answered at once (a failure marked the engine down)
    }
    Context context = Vertx.currentContext();
    return pending.transform(ignored -> {
      Promise<Decision> again = Promise.promise();
      if (context != null) {
        context.runOnContext(v -> decide(key, true).onComplete(again));
      } else {
        decide(key, true).onComplete(again);
      }
      return again.future();
    });
  }

  /** Asks for the next lease while half of the last one is still here. Holds the bucket's lock. */
  private void renewIfLow(Bucket bucket, String key, long now) {
    if (bucket.pending == null && !bucket.exhausted && bucket.tokens <= bucket.lastGrant / 2
        && !unavailable()) {
      startLease(bucket, key, now);
    }
  }

  /** Holds the bucket's lock. */
  private void startLease(Bucket bucket, String key, long now) {
    long ask;
    if (bucket.lastAsk == 0) {
      ask = INITIAL_ASK;
    } else if (now - bucket.lastGrantAt < FAST_NANOS) {
      ask = Math.min(MAX_ASK, bucket.lastAsk * 2);
    } else {
      ask = bucket.lastAsk;
    }
    ask = Math.min(MAX_ASK, ask + Math.max(0, -bucket.tokens));
    bucket.lastAsk = ask;
    Promise<Void> done = Promise.promise();
    Future<Void> marker = done.future();
    bucket.pending = marker;
    leases.source().lease(policy, limit, key, ask).onComplete(result -> {
      synchronized (bucket) {
        if (bucket.pending == marker) {
          bucket.pending = null;
        }
        if (result.succeeded()) {
          available();
          apply(bucket, result.result(), clock.getAsLong());
        } else {
          failed.increment();
          markUnavailable(result.cause());
        }
      }
      done.complete();
    });
  }

  /** Holds the bucket's lock. */
  private void apply(Bucket bucket, LeaseSource.Lease lease, long now) {
    if (bucket.windowStart != lease.windowStartMillis()) {
      bucket.windowStart = lease.windowStartMillis();
      bucket.tokens = Math.min(bucket.tokens, 0); // the last window's tokens are not this one's
      bucket.exhausted = false;
    }
    bucket.fresh = false;
    bucket.windowEnd = now + Duration.ofMillis(Math.max(0, lease.windowRemainingMillis()))
        .toNanos();
    bucket.windowKnown = true;
    bucket.tokens += lease.granted();
    bucket.lastGrant = lease.granted();
    bucket.lastGrantAt = now;
    if (lease.remaining() == 0) {
      bucket.exhausted = true;
    }
    (lease.granted() > 0 ? granted : exhausted).increment();
  }

  private void markUnavailable(Throwable cause) {
    synchronized (stateLock) {
      unavailableUntil = clock.getAsLong() + leases.retryAfterFailure().toNanos();
      if (!unavailable) {
        unavailable = true;
        LOG.warn("global rate limit {} of RateLimitPolicy {}: no lease from the policy engine"
            + " ({}); failing {} until it answers", limit, policy, cause.getMessage(),
            failOpen ? "open to per-replica limits" : "closed (refusing requests)");
      }
    }
  }

  private void available() {
    synchronized (stateLock) {
      if (unavailable) {
        unavailable = false;
        LOG.info("global rate limit {} of RateLimitPolicy {}: the policy engine answers again;"
            + " counting globally", limit, policy);
      }
    }
  }

  private Decision fallBack(String key) {
    fallbackCounter.increment();
    if (failOpen) {
      return fallback.tryAcquire(key);
    }
    long wait = leases.retryAfterFailure().toNanos();
    return new Decision(false, rate.requests(), 0, wait, wait, true);
  }

  /** One key's lease state; guarded by its own monitor. */
  private static final class Bucket {
    long tokens;
    boolean exhausted;
    boolean fresh = true;
    boolean windowKnown;
    long windowStart = Long.MIN_VALUE;
    long windowEnd;
    long lastAsk;
    long lastGrant;
    long lastGrantAt;
    Future<Void> pending;

    void rollIfEnded(long now) {
      if (windowKnown && now - windowEnd >= 0) {
        windowKnown = false;
        tokens = Math.min(tokens, 0);
        exhausted = false;
        fresh = true;
        lastGrant = 0;
      }
    }

    long untilEnd(long now) {
      return windowKnown ? Math.max(0, windowEnd - now) : 0;
    }
  }
}
