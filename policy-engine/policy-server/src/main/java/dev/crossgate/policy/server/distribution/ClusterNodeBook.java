package dev.crossgate.policy.server.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crossgate.policy.server.distribution.MeshEndpointMemory.Remembered;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.infinispan.Cache;
import org.infinispan.configuration.cache.CacheMode;
import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.manager.EmbeddedCacheManager;
import org.infinispan.notifications.Listener;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryCreated;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryModified;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryRemoved;
import org.infinispan.notifications.cachelistener.event.CacheEntryEvent;
import org.infinispan.notifications.cachemanagerlistener.annotation.ViewChanged;
import org.infinispan.notifications.cachemanagerlistener.event.ViewChangedEvent;
import org.infinispan.remoting.transport.Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Node status shared by the engines of a cluster, in a replicated, in-memory cache
 * ({@value #CACHE_NAME}) keyed {@code <engine>/<stream>}: the engine holding a stream writes its
 * record and removes it when the stream ends; when an engine leaves the cluster view, every
 * remaining engine removes that engine's records. This engine's own records are also kept
 * locally, so its own ACKs count at once; the cache is written with the async API, never
 * blocking the caller. Beside the records, under {@code <engine>/}{@value #KEPT}, each engine
 * shares the mesh endpoints it keeps from before its start, so that every engine serves the same
 * sets while the sidecars of a restarted cluster come back.
 */
final class ClusterNodeBook implements NodeBook {

  /** The replicated cache of node records. */
  static final String CACHE_NAME = "crossgate-nodes";

  /** The key, after {@code <engine>/}, of an engine's kept endpoints (stream keys are UUIDs). */
  static final String KEPT = "~kept";

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Logger LOG = LoggerFactory.getLogger(ClusterNodeBook.class);

  private final Cache<String, String> cache;
  private final String engine;
  private final Map<String, NodeRecord> own = new ConcurrentHashMap<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final EntryWatcher entries = new EntryWatcher();
  private final ViewWatcher views = new ViewWatcher();

  private ClusterNodeBook(Cache<String, String> cache, String engine) {
    this.cache = cache;
    this.engine = engine;
  }

  /**
   * Joins the shared node status of {@code manager}'s cluster. Blocks while the cache starts:
   * call it off the event loop.
   */
  static ClusterNodeBook start(EmbeddedCacheManager manager) {
    if (!manager.cacheExists(CACHE_NAME) && manager.getCacheConfiguration(CACHE_NAME) == null) {
      ConfigurationBuilder config = new ConfigurationBuilder();
      config.clustering().cacheMode(CacheMode.REPL_SYNC);
      manager.defineConfiguration(CACHE_NAME, config.build());
    }
    Cache<String, String> cache = manager.getCache(CACHE_NAME);
    ClusterNodeBook book = new ClusterNodeBook(cache, String.valueOf(manager.getAddress()));
    cache.addListener(book.entries);
    manager.addListener(book.views);
    // Records of engines gone while this one was away (or of this engine's previous life).
    book.dropAllBut(members(manager.getMembers()), true);
    return book;
  }

  @Override
  public void put(String streamKey, NodeRecord record) {
    own.put(streamKey, record);
    cache.putAsync(key(streamKey), record.toJson()).exceptionally(e -> failed("write", e));
  }

  @Override
  public void remove(String streamKey) {
    own.remove(streamKey);
    cache.removeAsync(key(streamKey)).exceptionally(e -> failed("remove", e));
  }

  @Override
  public void shareKept(List<Remembered> kept, long untilMillis) {
    if (kept.isEmpty()) {
      cache.removeAsync(key(KEPT)).exceptionally(e -> failed("remove", e));
      return;
    }
    ObjectNode shared = JSON.createObjectNode().put("until", untilMillis);
    shared.set("endpoints", MeshEndpointMemory.encode(kept));
    cache.putAsync(key(KEPT), shared.toString()).exceptionally(e -> failed("write", e));
  }

  @Override
  public List<Remembered> keptByOthers(long nowMillis) {
    List<Remembered> kept = new ArrayList<>();
    String suffix = "/" + KEPT;
    for (Map.Entry<String, String> entry : cache.entrySet()) {
      if (entry.getKey().endsWith(suffix) && !entry.getKey().startsWith(engine + "/")) {
        try {
          JsonNode shared = JSON.readTree(entry.getValue());
          if (shared.path("until").asLong(0) > nowMillis) {
            kept.addAll(MeshEndpointMemory.decode(shared.path("endpoints"), entry.getKey()));
          }
        } catch (Exception e) {
          LOG.warn("unreadable kept endpoints {}; ignored", entry.getKey(), e);
        }
      }
    }
    return kept;
  }

  @Override
  public boolean othersPresent() {
    Set<String> members = members(cache.getCacheManager().getMembers());
    for (String key : cache.keySet()) {
      String holder = key.substring(0, Math.max(0, key.indexOf('/')));
      if (!holder.equals(engine) && members.contains(holder)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Collection<NodeRecord> all() {
    List<NodeRecord> all = new ArrayList<>(own.values());
    String prefix = engine + "/";
    for (Map.Entry<String, String> entry : cache.entrySet()) {
      if (!entry.getKey().startsWith(prefix) && !entry.getKey().endsWith("/" + KEPT)) {
        try {
          all.add(NodeRecord.fromJson(entry.getValue()));
        } catch (RuntimeException e) {
          LOG.warn("unreadable node record {}; ignored", entry.getKey(), e);
        }
      }
    }
    return all;
  }

  @Override
  public String engine() {
    return engine;
  }

  @Override
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  @Override
  public void close() {
    cache.removeListener(entries);
    cache.getCacheManager().removeListener(views);
    for (String streamKey : own.keySet()) {
      remove(streamKey);
    }
    shareKept(List.of(), 0);
  }

  private String key(String streamKey) {
    return engine + "/" + streamKey;
  }

  private <T> T failed(String what, Throwable e) {
    LOG.warn("could not {} a node record in the cluster: {}", what, e.toString());
    return null;
  }

  private static Set<String> members(List<Address> addresses) {
    return addresses == null ? Set.of()
        : addresses.stream().map(String::valueOf).collect(Collectors.toSet());
  }

  /** Removes the records of engines not in {@code members} (and, if asked, this engine's). */
  private void dropAllBut(Set<String> members, boolean ownToo) {
    for (String key : List.copyOf(cache.keySet())) {
      String holder = key.substring(0, Math.max(0, key.indexOf('/')));
      boolean stale = !members.contains(holder) || (ownToo && holder.equals(engine));
      if (stale) {
        cache.removeAsync(key).exceptionally(e -> failed("remove", e));
      }
    }
  }

  /** Hears other engines' record changes. */
  @Listener(sync = false)
  public final class EntryWatcher {

    @CacheEntryCreated
    @CacheEntryModified
    @CacheEntryRemoved
    public void changed(CacheEntryEvent<String, String> event) {
      if (!event.isPre() && !event.getKey().startsWith(engine + "/")) {
        listeners.forEach(Runnable::run);
      }
    }

  }

  /** Hears cluster view changes. */
  @Listener(sync = false)
  public final class ViewWatcher {

    @ViewChanged
    public void viewChanged(ViewChangedEvent event) {
      Set<String> members = members(event.getNewMembers());
      LOG.info("cluster view {}: dropping node records of engines that left", members);
      dropAllBut(members, false);
      listeners.forEach(Runnable::run);
    }
  }
}
