package dev.crossgate.policy.server.distribution;

import dev.crossgate.policy.codec.PolicyCodec;
import dev.crossgate.policy.distribution.DistributionProtocol;
import dev.crossgate.policy.distribution.v1.Hello;
import dev.crossgate.policy.distribution.v1.NodeRole;
import dev.crossgate.policy.distribution.v1.Snapshot;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.server.store.PolicyStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds each scoped snapshot once per revision and scope (all gateways serving the same Gateway
 * share one, down to its encoded bytes), on worker threads, and keeps only the latest revision's.
 */
final class ScopedSnapshots {

  private final Vertx vertx;
  private final PolicyStore store;
  private final Map<Long, Future<dev.crossgate.policy.server.store.Snapshot>> states =
      new ConcurrentHashMap<>();
  private final Map<String, Future<EncodedSnapshot>> built = new ConcurrentHashMap<>();
  /**
   * Each resource's JSON, by identity: the store reuses the objects of unchanged resources from
   * one revision to the next, so only changed resources are written again.
   */
  private final com.github.benmanes.caffeine.cache.Cache<Resource, String> resourceJson =
      com.github.benmanes.caffeine.cache.Caffeine.newBuilder().weakKeys().build();

  private final TrustSource trust;

  ScopedSnapshots(Vertx vertx, PolicyStore store, TrustSource trust) {
    this.vertx = vertx;
    this.store = store;
    this.trust = trust;
  }

  /** The trust bundle every snapshot carries. */
  TrustSource trust() {
    return trust;
  }

  /** The latest revision's snapshot for the node that said {@code hello}. */
  Future<EncodedSnapshot> latest(Hello hello) {
    return store.current().compose(state -> forState(state, hello));
  }

  /** The snapshot of {@code revision} for the node that said {@code hello}. */
  Future<EncodedSnapshot> at(long revision, Hello hello) {
    Future<dev.crossgate.policy.server.store.Snapshot> state = states.computeIfAbsent(revision,
        r -> store.at(r));
    return state.compose(s -> forState(s, hello));
  }

  private Future<EncodedSnapshot> forState(dev.crossgate.policy.server.store.Snapshot state,
      Hello hello) {
    java.util.List<String> roots = trust.trustRootsPem();
    String signing = trust.signingRootSha256();
    String key = state.revision() + "|" + scopeKey(hello) + "|" + signing + "|" + roots.hashCode();
    evictOlderThan(state.revision());
    return built.computeIfAbsent(key, k -> vertx.executeBlocking(
        () -> build(state, hello, roots, signing), false));
  }

  private EncodedSnapshot build(dev.crossgate.policy.server.store.Snapshot state,
      Hello hello, java.util.List<String> roots, String signing) {
    PolicyBundle scoped = SnapshotScoper.scope(state.bundle(), hello);
    StringBuilder out = new StringBuilder("[");
    for (Resource resource : scoped.resources()) {
      if (out.length() > 1) {
        out.append(',');
      }
      out.append(resourceJson.get(resource, PolicyCodec::toJson));
    }
    String json = out.append(']').toString();
    return EncodedSnapshot.of(Snapshot.newBuilder()
        .setRevision(state.revision())
        .setResourcesJson(json)
        // The hash covers the trust bundle too, so a node gets (and ACKs) a bundle change.
        .setHash(DistributionProtocol.hash(roots.isEmpty() ? json
            : json + "\n" + String.join("", roots) + signing))
        .addAllTrustRootsPem(roots)
        .setSigningRootSha256(signing)
        .setCreatedAtMillis(System.currentTimeMillis())
        .setGatewayName(SnapshotScoper.servedGateway(state.bundle(), hello))
        .build());
  }

  private static String scopeKey(Hello hello) {
    return hello.getRole() == NodeRole.NODE_ROLE_SIDECAR
        ? "sidecar|" + hello.getNamespace() + "|" + hello.getService()
        : "gateway|" + hello.getGatewayName();
  }

  private void evictOlderThan(long revision) {
    states.keySet().removeIf(r -> r < revision);
    built.keySet().removeIf(k -> Long.parseLong(k.substring(0, k.indexOf('|'))) < revision);
  }
}
