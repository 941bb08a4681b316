package dev.crossgate.policy.server.store;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.infinispan.Cache;
import org.infinispan.configuration.cache.CacheMode;
import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.configuration.global.GlobalConfigurationBuilder;
import org.infinispan.manager.DefaultCacheManager;
import org.infinispan.manager.EmbeddedCacheManager;

/**
 * A {@link PolicyStore} in embedded Infinispan, persisted in a soft-index file store. With a
 * JGroups stack several engines form one cluster over a replicated cache: every engine holds
 * every revision, any engine accepts writes, and every engine hears every new revision.
 */
public final class InfinispanPolicyStore extends RevisionedPolicyStore {

  /** The cache holding heads, revision records and checkpoints. */
  public static final String CACHE_NAME = "crossgate-policy";

  /** In a cluster: this engine's own copy of {@link #CACHE_NAME} (see {@link LocalCopy}). */
  public static final String LOCAL_COPY_NAME = "crossgate-policy-local";

  /** API token digests every engine accepts (see {@code SharedTokens}). */
  public static final String TOKENS_CACHE_NAME = "crossgate-tokens";

  private final EmbeddedCacheManager manager;
  private final Cache<String, String> cache;

  private InfinispanPolicyStore(
      Vertx vertx, Cache<String, String> cache, EmbeddedCacheManager owned, int checkpointInterval) {
    super(vertx, new InfinispanRevisionLog(cache, owned), checkpointInterval, Clock.systemUTC());
    this.manager = cache.getCacheManager();
    this.cache = cache;
  }

  /** The cache behind the store, shared with the mesh CA (under its own key prefix). */
  public Cache<String, String> cache() {
    return cache;
  }

  /**
   * The names of the engines in this engine's current cluster view, itself included; one name
   * (or none without a transport) for a single engine.
   */
  @Override
  public List<String> clusterMembers() {
    var members = manager.getMembers();
    return members == null ? List.of() : members.stream().map(String::valueOf).toList();
  }

  /** Whether this store's engine is part of a cluster (has a JGroups transport). */
  public boolean clustered() {
    return manager.getCacheManagerConfiguration().isClustered();
  }

  /** The cache manager under this store, for other state the engines of a cluster share. */
  public EmbeddedCacheManager cacheManager() {
    return manager;
  }

  /**
   * Starts a cache manager as {@code options} say and a store over it; closing the store stops
   * the manager. Blocks while Infinispan starts (and joins its cluster): call it off the event
   * loop.
   */
  public static InfinispanPolicyStore start(Vertx vertx, InfinispanOptions options) {
    requireNonNull(vertx, "vertx");
    EmbeddedCacheManager manager = startCacheManager(options);
    try {
      return new InfinispanPolicyStore(
          vertx, manager.getCache(CACHE_NAME), manager, options.checkpointInterval());
    } catch (RuntimeException e) {
      manager.stop();
      throw e;
    }
  }

  /** A store over a cache someone else manages; closing the store leaves the cache running. */
  public static InfinispanPolicyStore over(Vertx vertx, Cache<String, String> cache) {
    return new InfinispanPolicyStore(
        requireNonNull(vertx, "vertx"),
        requireNonNull(cache, "cache"),
        null,
        DEFAULT_CHECKPOINT_INTERVAL);
  }

  /**
   * A started cache manager with {@link #CACHE_NAME} defined: a local cache for one engine, a
   * synchronously replicated one in a cluster; either way persisted under
   * {@code dataDirectory/infinispan}.
   */
  public static EmbeddedCacheManager startCacheManager(InfinispanOptions options) {
    requireNonNull(options, "options");
    Path root = options.dataDirectory().toAbsolutePath().resolve("infinispan");
    GlobalConfigurationBuilder global =
        options.clustered()
            ? GlobalConfigurationBuilder.defaultClusteredBuilder()
            : new GlobalConfigurationBuilder().nonClusteredDefault();
    global.globalState().enable().persistentLocation(root.toString());
    if (options.clustered()) {
      global
          .transport()
          .clusterName(options.clusterName())
          // The text, not the file: this engine's variables are filled in first.
          .addProperty("configurationXml", JGroupsStacks.substitute(
              JGroupsStacks.load(options.jgroupsConfiguration()), options.jgroupsProperties()));
      if (options.nodeName() != null) {
        global.transport().nodeName(options.nodeName());
      }
    }
    ConfigurationBuilder cache = new ConfigurationBuilder();
    cache.clustering().cacheMode(options.clustered() ? CacheMode.REPL_SYNC : CacheMode.LOCAL);
    cache
        .persistence()
        .addSoftIndexFileStore()
        .dataLocation(root.resolve("policy").resolve("data").toString())
        .indexLocation(root.resolve("policy").resolve("index").toString());
    DefaultCacheManager manager = new DefaultCacheManager(global.build());
    try {
      manager.defineConfiguration(CACHE_NAME, cache.build());
      Cache<String, String> policy = manager.getCache(CACHE_NAME);
      ConfigurationBuilder tokens = new ConfigurationBuilder();
      tokens.clustering().cacheMode(options.clustered() ? CacheMode.REPL_SYNC : CacheMode.LOCAL);
      tokens.persistence()
          .addSoftIndexFileStore()
          .dataLocation(root.resolve("tokens").resolve("data").toString())
          .indexLocation(root.resolve("tokens").resolve("index").toString());
      manager.defineConfiguration(TOKENS_CACHE_NAME, tokens.build());
      if (options.clustered()) {
        ConfigurationBuilder copy = new ConfigurationBuilder();
        copy.clustering().cacheMode(CacheMode.LOCAL);
        copy.persistence()
            .addSoftIndexFileStore()
            .dataLocation(root.resolve("local-copy").resolve("data").toString())
            .indexLocation(root.resolve("local-copy").resolve("index").toString());
        manager.defineConfiguration(LOCAL_COPY_NAME, copy.build());
        LocalCopy.attach(policy, manager.getCache(LOCAL_COPY_NAME));
      }
      return manager;
    } catch (RuntimeException e) {
      manager.stop();
      throw e;
    }
  }
}
