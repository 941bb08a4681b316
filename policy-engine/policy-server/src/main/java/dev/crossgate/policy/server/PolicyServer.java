package dev.crossgate.policy.server;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.server.api.ApiTokens;
import dev.crossgate.policy.server.api.CaRoutes;
import dev.crossgate.policy.server.api.JoinTokenRoutes;
import dev.crossgate.policy.server.api.MigrationRoutes;
import dev.crossgate.policy.server.api.SharedTokens;
import dev.crossgate.policy.server.ca.CacheSecretStore;
import dev.crossgate.policy.server.ca.IdentityService;
import dev.crossgate.policy.server.ca.MeshAuthority;
import dev.crossgate.policy.server.ca.MeshCaOptions;
import dev.crossgate.policy.server.migration.MigrationEvidence;
import dev.crossgate.policy.server.distribution.DistributionService;
import dev.crossgate.policy.server.distribution.NodeRegistry;
import dev.crossgate.policy.server.api.PolicyApi;
import dev.crossgate.policy.server.ratelimit.LeaseLedger;
import dev.crossgate.policy.server.ratelimit.RateLimitService;
import dev.crossgate.policy.server.store.InfinispanOptions;
import dev.crossgate.policy.server.store.InfinispanPolicyStore;
import dev.crossgate.policy.server.store.PolicyStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running policy engine: the Infinispan store and the REST API on one Vert.x instance.
 *
 * <pre>{@code
 * try (PolicyServer server = PolicyServer.start(PolicyServerOptions.defaults(dataDir))) {
 *   int port = server.apiPort();
 * }
 * }</pre>
 */
public final class PolicyServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PolicyServer.class);
  private static final long TIMEOUT_SECONDS = 60;

  private final Vertx vertx;
  private final PolicyStore store;
  private final HttpServer http;
  private final DistributionService distribution;
  private final NodeRegistry nodes;
  private final MeshAuthority meshAuthority;

  private PolicyServer(Vertx vertx, PolicyStore store, HttpServer http,
      DistributionService distribution, NodeRegistry nodes, MeshAuthority meshAuthority) {
    this.meshAuthority = meshAuthority;
    this.vertx = vertx;
    this.store = store;
    this.http = http;
    this.distribution = distribution;
    this.nodes = nodes;
  }

  /**
   * Starts the engine and returns once the API listens. Blocks while Infinispan starts: call it
   * from a main thread, not an event loop. Prints the API token once, when it is created.
   */
  public static PolicyServer start(PolicyServerOptions options) {
    return start(options, DistributionService.Settings.defaults());
  }

  /** The same, with these distribution stream settings. */
  public static PolicyServer start(PolicyServerOptions options,
      DistributionService.Settings streams) {
    return start(options, streams, MeshCaOptions.defaults());
  }

  /** The same, with this mesh CA (trust domain, certificate lifetime, operator root). */
  public static PolicyServer start(PolicyServerOptions options,
      DistributionService.Settings streams, MeshCaOptions mesh) {
    return start(options, streams, mesh, NodeRegistry.MESH_ENDPOINT_GRACE);
  }

  /**
   * The same, keeping the mesh endpoints served before this start for {@code meshEndpointGrace}
   * or until their sidecars register again.
   */
  public static PolicyServer start(PolicyServerOptions options,
      DistributionService.Settings streams, MeshCaOptions mesh,
      java.time.Duration meshEndpointGrace) {
    requireNonNull(mesh, "mesh");
    requireNonNull(options, "options");
    requireNonNull(streams, "streams");
    Path data = options.dataDirectory();
    Vertx vertx = Vertx.vertx();
    PolicyStore store = null;
    try {
      InfinispanOptions storage = InfinispanOptions.local(data);
      if (options.jgroupsConfiguration() != null) {
        storage = storage.clustered(options.jgroupsConfiguration(), options.nodeName())
            .withJgroupsProperties(options.clusterProperties());
      }
      InfinispanPolicyStore infinispan = InfinispanPolicyStore.start(vertx, storage);
      store = infinispan;
      MeshAuthority authority = await(MeshAuthority.start(vertx,
          new CacheSecretStore(vertx, infinispan.cache()), mesh, Clock.systemUTC()));
      ApiTokens tokens = ApiTokens.loadOrCreate(data).withShared(SharedTokens.over(vertx,
          infinispan.cacheManager().getCache(InfinispanPolicyStore.TOKENS_CACHE_NAME)));
      tokens.createdToken().ifPresent(token -> {
        // Shown once, on purpose on stdout: it is for the person who started the engine.
        System.out.println(
            "API token: " + token + "  (stored in " + tokens.createdFile().orElseThrow() + ")");
      });
      NodeRegistry nodes = infinispan.clustered()
          ? NodeRegistry.clustered(vertx, infinispan.cacheManager(), data, meshEndpointGrace)
          : NodeRegistry.remembering(vertx, data, meshEndpointGrace);
      IdentityService identity = new IdentityService(authority);
      RateLimitService rateLimits = new RateLimitService(store,
          LeaseLedger.start(vertx, infinispan.cacheManager(), Clock.systemUTC()));
      DistributionService distribution = await(DistributionService.start(vertx, store, nodes,
          options.apiHost(), options.distributionPort(), streams, grpc -> {
            identity.register(grpc);
            rateLimits.register(grpc);
          }, authority));
      authority.watch(nodes, MeshAuthority.DEFAULT_TICK);
      Router api = PolicyApi.router(vertx, store, tokens, nodes, options.bodyLimit());
      JoinTokenRoutes.mount(api, authority.joinTokens());
      CaRoutes.mount(api, authority);
      MigrationRoutes.mount(api, MigrationEvidence.start(store, nodes, Clock.systemUTC(),
          infinispan.clustered() ? infinispan.cacheManager() : null));
      HttpServer http =
          await(vertx.createHttpServer()
              .requestHandler(api)
              .listen(options.apiPort(), options.apiHost()));
      LOG.info("policy API on {}:{}, distribution on {}:{}, data in {}", options.apiHost(),
          http.actualPort(), options.apiHost(), distribution.port(), data);
      return new PolicyServer(vertx, store, http, distribution, nodes, authority);
    } catch (RuntimeException e) {
      if (store != null) {
        await(store.close());
      }
      await(vertx.close());
      throw e;
    }
  }

  /** The port the API is bound to. */
  public int apiPort() {
    return http.actualPort();
  }

  /** The port gRPC distribution is bound to. */
  public int distributionPort() {
    return distribution.port();
  }

  /** The mesh CA: trust bundle, join tokens, certificates. */
  public MeshAuthority meshAuthority() {
    return meshAuthority;
  }

  /** The connected data planes and what they run. */
  public NodeRegistry nodes() {
    return nodes;
  }

  /** The engines in this engine's cluster view (itself included); empty for a single engine. */
  public java.util.List<String> clusterMembers() {
    return store.clusterMembers();
  }

  /** The store behind the API, e.g. for the distribution service. */
  public PolicyStore store() {
    return store;
  }

  /** The Vert.x instance the engine runs on. */
  public Vertx vertx() {
    return vertx;
  }

  /** Stops the API, then the store, then Vert.x. */
  @Override
  public void close() {
    try {
      // What the engine served, not what it drops as its streams end, is what it remembers.
      nodes.stopRemembering();
      await(http.close());
      await(distribution.close());
      meshAuthority.close();
      nodes.close();
      await(store.close());
    } finally {
      // Awaited from this thread: a continuation on Vert.x would never run once it is closed.
      await(vertx.close());
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out after " + TIMEOUT_SECONDS + "s", e);
    }
  }
}
