package dev.crossgate.policy.server.store;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.infinispan.Cache;
import org.infinispan.manager.EmbeddedCacheManager;
import org.infinispan.notifications.Listener;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryCreated;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryModified;
import org.infinispan.notifications.cachelistener.event.CacheEntryEvent;

/**
 * A {@link RevisionLog} in one Infinispan cache with string keys and values: {@code head},
 * {@code rev/<n>} and {@code state/<n>}. The head moves with a conditional
 * {@code replace(key, old, new)}, which Infinispan runs atomically on the key's primary owner, so
 * two engines of one cluster cannot both win.
 */
final class InfinispanRevisionLog implements RevisionLog {

  static final String HEAD = "head";

  private final Cache<String, String> cache;
  private final EmbeddedCacheManager ownedManager;
  private final List<HeadListener> listeners = new CopyOnWriteArrayList<>();

  /**
   * @param ownedManager the manager to stop on {@link #close()}, or {@code null} when the caller
   *     owns it
   */
  InfinispanRevisionLog(Cache<String, String> cache, EmbeddedCacheManager ownedManager) {
    this.cache = cache;
    this.ownedManager = ownedManager;
  }

  @Override
  public String readHead() {
    return cache.get(HEAD);
  }

  @Override
  public boolean replaceHead(String expected, String next) {
    return expected == null
        ? cache.putIfAbsent(HEAD, next) == null
        : cache.replace(HEAD, expected, next);
  }

  @Override
  public String readRevision(long number) {
    return cache.get("rev/" + number);
  }

  @Override
  public void writeRevision(long number, String record) {
    cache.put("rev/" + number, record);
  }

  @Override
  public String readCheckpoint(long number) {
    return cache.get("state/" + number);
  }

  @Override
  public void writeCheckpoint(long number, String state) {
    cache.put("state/" + number, state);
  }

  @Override
  public void onHeadChanged(Consumer<String> consumer) {
    HeadListener listener = new HeadListener(consumer);
    cache.addListener(listener);
    listeners.add(listener);
  }

  @Override
  public void close() {
    listeners.forEach(cache::removeListener);
    listeners.clear();
    if (ownedManager != null) {
      LocalCopy.detach(cache);
      ownedManager.stop();
    }
  }

  /**
   * Hears head writes on this member, whichever member made them: the cache is replicated (or
   * local), so every write is applied, and announced, on every member.
   */
  @Listener(sync = false, observation = Listener.Observation.POST)
  public static final class HeadListener {

    private final Consumer<String> consumer;

    HeadListener(Consumer<String> consumer) {
      this.consumer = consumer;
    }

    @CacheEntryCreated
    @CacheEntryModified
    public void headWritten(CacheEntryEvent<String, String> event) {
      if (HEAD.equals(event.getKey())) {
        consumer.accept(event.getValue());
      }
    }
  }
}
