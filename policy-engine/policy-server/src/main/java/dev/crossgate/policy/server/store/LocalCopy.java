package dev.crossgate.policy.server.store;

import java.util.Map;
import org.infinispan.Cache;
import org.infinispan.notifications.Listener;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryCreated;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryModified;
import org.infinispan.notifications.cachelistener.event.CacheEntryEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This engine's own copy of the replicated log, in a local cache with its own file store.
 *
 * <p>Why: an engine that joins a running cluster has its part of the replicated cache's
 * (non-shared) store replaced by the cluster's state. So when every engine stops and the first
 * to come back is one that missed the last revisions (it was down while they were written), the
 * cluster it forms has the old history, and the others, joining it, would lose the newer one.
 * The local copy survives the join: an engine whose copy is ahead of the cluster's head writes the
 * missing revisions back (the head last, with a compare-and-set). Revisions are append-only and
 * numbered, so "ahead" is a number comparison, checked against the cluster's record of its head
 * revision so that two diverged histories are never mixed.
 */
final class LocalCopy {

  private static final Logger LOG = LoggerFactory.getLogger(LocalCopy.class);
  private static final String HEAD = InfinispanRevisionLog.HEAD;

  private LocalCopy() {}

  private static final Map<Cache<?, ?>, Mirror> MIRRORS =
      java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

  /** Keeps {@code local} up to date with {@code cluster} and restores what the cluster lacks. */
  static void attach(Cache<String, String> cluster, Cache<String, String> local) {
    Mirror mirror = new Mirror(local);
    cluster.addListener(mirror);
    MIRRORS.put(cluster, mirror);
    String localHead = local.get(HEAD);
    String clusterHead = cluster.get(HEAD);
    long localNumber = number(localHead);
    long clusterNumber = number(clusterHead);
    if (localNumber > clusterNumber && sameHistory(cluster, local, clusterHead, clusterNumber)
        && complete(local, clusterNumber, localNumber)) {
      LOG.warn("the cluster's head is revision {}, this engine has {}: restoring revisions {}..{}",
          clusterNumber, localNumber, clusterNumber + 1, localNumber);
      for (Map.Entry<String, String> entry : local.entrySet()) {
        long n = keyNumber(entry.getKey());
        if (n > clusterNumber) {
          cluster.put(entry.getKey(), entry.getValue()); // immutable records: same value anywhere
        }
      }
      boolean moved = clusterHead == null
          ? cluster.putIfAbsent(HEAD, localHead) == null
          : cluster.replace(HEAD, clusterHead, localHead);
      if (!moved) {
        LOG.warn("the cluster's head moved while restoring; kept the cluster's");
      }
    } else if (localNumber > clusterNumber) {
      LOG.warn("this engine's copy (revision {}) and the cluster's (revision {}) have diverged; "
          + "kept the cluster's", localNumber, clusterNumber);
    }
    // Catch up with what the cluster has that this copy lacks (state transfer is not notified).
    for (Map.Entry<String, String> entry : cluster.entrySet()) {
      if (HEAD.equals(entry.getKey())) {
        putNewerHead(local, entry.getValue());
      } else {
        local.putIfAbsent(entry.getKey(), entry.getValue());
      }
    }
  }

  /** Before {@code cluster}'s manager stops: finishes copying what was heard. */
  static void detach(Cache<?, ?> cluster) {
    Mirror mirror = MIRRORS.remove(cluster);
    if (mirror != null) {
      cluster.removeListener(mirror);
      mirror.drain();
    }
  }

  private static boolean sameHistory(Cache<String, String> cluster, Cache<String, String> local,
      String clusterHead, long clusterNumber) {
    if (clusterHead == null || clusterNumber == 0) {
      return true;
    }
    String mine = local.get("rev/" + clusterNumber);
    String theirs = cluster.get("rev/" + clusterNumber);
    if (mine != null && theirs != null) {
      return StoreDocuments.parseRecord(mine).revision()
          .equals(StoreDocuments.parseRecord(theirs).revision());
    }
    return mine != null
        && StoreDocuments.parseRecord(mine).revision()
            .equals(StoreDocuments.revisionOfHead(clusterHead));
  }

  /** Whether the copy holds every record after the cluster's head (the head holds the last). */
  private static boolean complete(Cache<String, String> local, long from, long to) {
    for (long n = from + 1; n < to; n++) {
      if (local.get("rev/" + n) == null) {
        LOG.warn("this engine's copy lacks revision {}; not restoring from it", n);
        return false;
      }
    }
    return true;
  }

  private static long number(String head) {
    return head == null ? 0 : StoreDocuments.revisionOfHead(head).number();
  }

  /** {@code n} of {@code rev/n} or {@code state/n}; -1 for other keys. */
  private static long keyNumber(String key) {
    int slash = key.indexOf('/');
    if (slash < 0) {
      return -1;
    }
    try {
      return Long.parseLong(key.substring(slash + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void putNewerHead(Cache<String, String> local, String head) {
    long n = number(head);
    local.compute(HEAD, (key, old) -> old != null && number(old) >= n ? old : head);
  }

  /**
   * Copies every write to the replicated cache, from whichever engine, into the local one.
   * Heard synchronously (in commit order) but written by one thread of its own, since the
   * listener may run on a thread that must not block; {@link #drain} waits for the writes before
   * the engine stops.
   */
  @Listener(sync = true, observation = Listener.Observation.POST)
  public static final class Mirror {

    private final Cache<String, String> local;
    private final java.util.concurrent.ExecutorService writer =
        java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
          Thread thread = new Thread(r, "crossgate-local-copy");
          thread.setDaemon(true);
          return thread;
        });

    Mirror(Cache<String, String> local) {
      this.local = local;
    }

    @CacheEntryCreated
    @CacheEntryModified
    public void written(CacheEntryEvent<String, String> event) {
      String key = event.getKey();
      String value = event.getValue();
      if (value == null) {
        return;
      }
      writer.execute(() -> {
        try {
          if (HEAD.equals(key)) {
            putNewerHead(local, value);
          } else {
            local.put(key, value);
          }
        } catch (RuntimeException e) {
          LOG.warn("could not copy {} to this engine's local copy", key, e);
        }
      });
    }

    /** Waits (up to 10 s) for the pending copies; called before the caches stop. */
    void drain() {
      writer.shutdown();
      try {
        writer.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
