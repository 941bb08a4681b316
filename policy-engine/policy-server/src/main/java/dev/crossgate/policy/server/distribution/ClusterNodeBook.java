package dev.crossgate.policy.server.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crossgate.policy.server.distribution.MeshEndpointMemory.Remembered;
import java.time.Duration;
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
 * record and removes it when the stream ends; when an engine leaves the cluster view, the
 * coordinator removes that engine's records (after keeping its mesh endpoints). This engine's own records are also kept
 * locally, so its own ACKs count at once; the cache is written with the async API, never
 * blocking the caller. Beside the records, under {@code <engine>/}{@value #KEPT}, each engine
 * shares the mesh endpoints it keeps from before its start, so that every engine serves the same
 * sets while the sidecars of a restarted cluster come back; and under {@code <engine>/}{@value
 * #HANDED_OVER} the endpoints of an engine's sidecars when it stops (or, written by the
 * coordinator, when it left the view unannounced), kept by the others until those sidecars
 * register with one of them or the time ends. Both outlive their engine until their time ends.
 */
final class ClusterNodeBook implements NodeBook {

  /** The replicated cache of node records. */
  static final String CACHE_NAME = "crossgate-nodes";

  /** The key, after {@code <engine>/}, of an engine's kept endpoints (stream keys are UUIDs). */
  static final String KEPT = "~kept";
  /** The key, after {@code <engine>/}, of the endpoints an engine handed over as it stopped. */
  static final String HANDED_OVER = "~handover";

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Logger LOG = LoggerFactory.getLogger(ClusterNodeBook.class);

  private final Cache<String, String> cache;
  private final String engine;
  private final Map<String, NodeRecord> own = new ConcurrentHashMap<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final EntryWatcher entries = new EntryWatcher();
  private final ViewWatcher views = new ViewWatcher();

  /** How long endpoints of an engine that left the cluster unannounced are kept. */
  private final Duration departedGrace;

  private ClusterNodeBook(Cache<String, String> cache, String engine, Duration departedGrace) {
    this.cache = cache;
    this.engine = engine;
    this.departedGrace = departedGrace;
  }

  /**
   * Joins the shared node status of {@code manager}'s cluster. Blocks while the cache starts:
   * call it off the event loop.
   */
  static ClusterNodeBook start(EmbeddedCacheManager manager) {
    return start(manager, Duration.ZERO);
  }

  /**
   * The same; when an engine leaves the view without handing its endpoints over (it crashed),
   * the coordinator keeps that engine's mesh endpoints for {@code departedGrace}, so that its
   * sidecars have time to reconnect to another engine before callers lose them.
   */
  static ClusterNodeBook start(EmbeddedCacheManager manager, Duration departedGrace) {
    if (!manager.cacheExists(CACHE_NAME) && manager.getCacheConfiguration(CACHE_NAME) == null) {
      ConfigurationBuilder config = new ConfigurationBuilder();
      config.clustering().cacheMode(CacheMode.REPL_SYNC);
      manager.defineConfiguration(CACHE_NAME, config.build());
    }
    Cache<String, String> cache = manager.getCache(CACHE_NAME);
    ClusterNodeBook book = new ClusterNodeBook(cache, String.valueOf(manager.getAddress()),
        departedGrace);
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
    cache.putAsync(key(KEPT), keptJson(kept, untilMillis))
        .exceptionally(e -> failed("write", e));
  }

  @Override
  public void handOver(List<Remembered> kept, long untilMillis) {
    if (kept.isEmpty()) {
      return;
    }
    try {
      cache.put(key(HANDED_OVER), keptJson(kept, untilMillis)); // before its records go
    } catch (RuntimeException e) {
      // The cluster is gone from under this engine: the coordinator hands over for it.
      LOG.warn("could not hand {} mesh endpoint(s) over to the cluster: {}", kept.size(),
          e.toString());
    }
  }

  @Override
  public KeptEndpoints keptByOthers(long nowMillis) {
    List<Remembered> kept = new ArrayList<>();
    long earliest = Long.MAX_VALUE;
    for (Map.Entry<String, String> entry : cache.entrySet()) {
      if (isKept(entry.getKey()) && !entry.getKey().startsWith(engine + "/")) {
        try {
          JsonNode shared = JSON.readTree(entry.getValue());
          long until = shared.path("until").asLong(0);
          if (until > nowMillis) {
            kept.addAll(MeshEndpointMemory.decode(shared.path("endpoints"), entry.getKey()));
            earliest = Math.min(earliest, until);
          }
        } catch (Exception e) {
          LOG.warn("unreadable kept endpoints {}; ignored", entry.getKey(), e);
        }
      }
    }
    return kept.isEmpty() ? KeptEndpoints.NONE
        : new KeptEndpoints(List.copyOf(kept), java.util.OptionalLong.of(earliest));
  }

  @Override
  public void retireKept(String nodeId) {
    for (Map.Entry<String, String> entry : cache.entrySet()) {
      if (!isKept(entry.getKey()) || !entry.getValue().contains(nodeId)) {
        continue;
      }
      try {
        JsonNode shared = JSON.readTree(entry.getValue());
        List<Remembered> kept = MeshEndpointMemory.decode(shared.path("endpoints"),
            entry.getKey());
        List<Remembered> left = kept.stream().filter(k -> !k.nodeId().equals(nodeId)).toList();
        if (left.size() == kept.size()) {
          continue;
        }
        if (left.isEmpty()) {
          cache.removeAsync(entry.getKey(), entry.getValue())
              .exceptionally(e -> failed("remove", e));
        } else {
          cache.replaceAsync(entry.getKey(), entry.getValue(),
                  keptJson(left, shared.path("until").asLong(0)))
              .exceptionally(e -> failed("write", e));
        }
      } catch (Exception e) {
        LOG.warn("unreadable kept endpoints {}; ignored", entry.getKey(), e);
      }
    }
  }

  @Override
  public boolean othersKeepRemembered(long nowMillis) {
    for (Map.Entry<String, String> entry : cache.entrySet()) {
      if (entry.getKey().endsWith("/" + KEPT) && !entry.getKey().startsWith(engine + "/")
          && keptUntil(entry.getValue()) > nowMillis) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code key} holds kept or handed-over endpoints rather than a node record. */
  private static boolean isKept(String key) {
    return key.endsWith("/" + KEPT) || key.endsWith("/" + HANDED_OVER);
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
      if (!entry.getKey().startsWith(prefix) && !isKept(entry.getKey())) {
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
    // What this engine shared as kept stays until its time ends: it may be the hand-over of
    // its sidecars' endpoints (see NodeRegistry#handOver).
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
    long now = System.currentTimeMillis();
    for (String key : List.copyOf(cache.keySet())) {
      String holder = key.substring(0, Math.max(0, key.indexOf('/')));
      boolean own = holder.equals(engine);
      boolean stale = !members.contains(holder) || (ownToo && own);
      if (stale && isKept(key) && !own && keptUntil(cache.get(key)) > now) {
        continue; // a departed engine's kept endpoints: served until their time ends
      }
      if (stale) {
        cache.removeAsync(key).exceptionally(e -> failed("remove", e));
      }
    }
  }

  /**
   * For each engine that left without handing over its endpoints (run by the coordinator): its
   * records' mesh endpoints, kept for {@link #departedGrace} under its name.
   */
  private void keepEndpointsOfDeparted(Set<String> members) {
    if (departedGrace.isZero()) {
      return;
    }
    java.util.Map<String, List<Remembered>> byEngine = new java.util.HashMap<>();
    for (Map.Entry<String, String> entry : cache.entrySet()) {
      String key = entry.getKey();
      String holder = key.substring(0, Math.max(0, key.indexOf('/')));
      if (members.contains(holder) || isKept(key)
          || cache.containsKey(holder + "/" + HANDED_OVER)) {
        continue;
      }
      try {
        NodeRecord record = NodeRecord.fromJson(entry.getValue());
        if (record.servesMesh()) {
          byEngine.computeIfAbsent(holder, h -> new ArrayList<>()).add(new Remembered(
              record.nodeId(), record.meshService(), record.inboundAddress(),
              record.inboundPort()));
        }
      } catch (RuntimeException e) {
        LOG.warn("unreadable node record {}; ignored", key, e);
      }
    }
    long until = System.currentTimeMillis() + departedGrace.toMillis();
    byEngine.forEach((holder, kept) -> {
      LOG.info("engine {} left the cluster: keeping its {} mesh endpoint(s) for up to {} ms, until"
          + " their sidecars register with another engine", holder, kept.size(),
          departedGrace.toMillis());
      cache.put(holder + "/" + HANDED_OVER, keptJson(kept, until));
    });
  }

  private static long keptUntil(String json) {
    try {
      return json == null ? 0 : JSON.readTree(json).path("until").asLong(0);
    } catch (Exception e) {
      return 0;
    }
  }

  private static String keptJson(List<Remembered> kept, long untilMillis) {
    ObjectNode shared = JSON.createObjectNode().put("until", untilMillis);
    shared.set("endpoints", MeshEndpointMemory.encode(kept));
    return shared.toString();
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
      // The coordinator alone drops the records of engines that left, after it kept their
      // endpoints: another engine dropping them first would publish sets without them.
      if (cache.getCacheManager().isCoordinator()) {
        LOG.info("cluster view {}: dropping node records of engines that left", members);
        keepEndpointsOfDeparted(members);
        dropAllBut(members, false);
      }
      listeners.forEach(Runnable::run);
    }
  }
}
