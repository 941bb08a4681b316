package dev.crossgate.policy.server.distribution;

import dev.crossgate.policy.codec.PolicyCodec;
import dev.crossgate.policy.distribution.DistributionProtocol;
import dev.crossgate.policy.distribution.v1.Endpoint;
import dev.crossgate.policy.distribution.v1.Hello;
import dev.crossgate.policy.distribution.v1.NodeRole;
import dev.crossgate.policy.distribution.v1.ServiceEndpoints;
import dev.crossgate.policy.distribution.v1.Snapshot;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.model.Service;
import dev.crossgate.policy.server.store.PolicyStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import dev.crossgate.policy.distribution.SnapshotDeltas;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds each scoped snapshot once per revision and scope (all gateways serving the same Gateway
 * share one, down to its encoded bytes), on worker threads, and keeps only the latest revision's.
 * Each snapshot carries the mesh endpoints of the Services in its scope as they are when it is
 * composed ({@link #isFresh} tells whether they changed since); its hash covers them, so a node
 * running the same resources and endpoints is never sent them again.
 */
final class ScopedSnapshots {

  /** The most scopes whose last snapshot is kept as a delta base. */
  static final int MAX_SCOPES = 4096;

  private final Vertx vertx;
  private final PolicyStore store;
  private final Map<Long, Future<dev.crossgate.policy.server.store.Snapshot>> states =
      new ConcurrentHashMap<>();
  private final Map<String, Future<EncodedSnapshot>> built = new ConcurrentHashMap<>();
  /** Per revision and scope, the snapshot last composed with mesh endpoints. */
  private final Map<String, EncodedSnapshot> composed = new ConcurrentHashMap<>();
  private final MeshEndpointIndex meshEndpoints;
  /**
   * Each resource's JSON, by identity: the store reuses the objects of unchanged resources from
   * one revision to the next, so only changed resources are written again.
   */
  private final com.github.benmanes.caffeine.cache.Cache<Resource, String> resourceJson =
      com.github.benmanes.caffeine.cache.Caffeine.newBuilder().weakKeys().build();
  /** Each resource's own hash (the delta digest's input), by identity like its JSON. */
  private final com.github.benmanes.caffeine.cache.Cache<Resource, byte[]> resourceHash =
      com.github.benmanes.caffeine.cache.Caffeine.newBuilder().weakKeys().build();
  /**
   * Each scope's last built snapshot: the base of the next one's delta. Bounded: scopes come and
   * go with sidecar services and gateways; one evicted only costs its nodes one whole snapshot.
   */
  private final com.github.benmanes.caffeine.cache.Cache<String, EncodedSnapshot> lastByScope =
      com.github.benmanes.caffeine.cache.Caffeine.newBuilder()
          .maximumSize(MAX_SCOPES).expireAfterAccess(java.time.Duration.ofHours(1)).build();

  private final TrustSource trust;

  ScopedSnapshots(Vertx vertx, PolicyStore store) {
    this(vertx, store, new MeshEndpointIndex(), TrustSource.NONE);
  }

  ScopedSnapshots(Vertx vertx, PolicyStore store, MeshEndpointIndex meshEndpoints) {
    this(vertx, store, meshEndpoints, TrustSource.NONE);
  }

  ScopedSnapshots(Vertx vertx, PolicyStore store, TrustSource trust) {
    this(vertx, store, new MeshEndpointIndex(), trust);
  }

  ScopedSnapshots(Vertx vertx, PolicyStore store, MeshEndpointIndex meshEndpoints,
      TrustSource trust) {
    this.vertx = vertx;
    this.store = store;
    this.meshEndpoints = meshEndpoints;
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
    String scope = scopeKey(state.bundle(), hello);
    String key = state.revision() + "|" + scope + "|" + signing + "|" + roots.hashCode();
    evictOlderThan(state.revision());
    return built.computeIfAbsent(key, k -> vertx.executeBlocking(
        () -> build(state, hello, scope, roots, signing), false))
        .compose(base -> withEndpoints(key, base));
  }

  /**
   * {@code base} with the current mesh endpoints of its scope's Services; the same object for
   * every node of the scope until the endpoints change.
   */
  private Future<EncodedSnapshot> withEndpoints(String key, EncodedSnapshot base) {
    String digest = digest(base.meshServices());
    if (digest.isEmpty()) {
      return Future.succeededFuture(base);
    }
    EncodedSnapshot last = composed.get(key);
    if (last != null && last.endpointsDigest().equals(digest)) {
      return Future.succeededFuture(last);
    }
    return vertx.executeBlocking(() -> {
      List<ServiceEndpoints> carried = new ArrayList<>();
      for (String service : base.meshServices()) {
        List<Endpoint> endpoints = meshEndpoints.endpoints(service);
        if (!endpoints.isEmpty()) {
          int slash = service.indexOf('/');
          carried.add(ServiceEndpoints.newBuilder()
              .setNamespace(service.substring(0, slash)).setService(service.substring(slash + 1))
              .addAllEndpoints(endpoints).build());
        }
      }
      EncodedSnapshot next = base.withEndpoints(carried, digest);
      composed.put(key, next);
      return next;
    }, false);
  }

  /** Whether {@code encoded} still carries the current mesh endpoints of its scope. */
  boolean isFresh(EncodedSnapshot encoded) {
    return encoded.endpointsDigest().equals(digest(encoded.meshServices()));
  }

  /** The endpoints of {@code services} as one canonical line; empty when none has any. */
  private String digest(Set<String> services) {
    StringBuilder out = new StringBuilder();
    for (String service : services) {
      List<Endpoint> endpoints = meshEndpoints.endpoints(service);
      if (endpoints.isEmpty()) {
        continue;
      }
      out.append(service).append('=');
      for (Endpoint endpoint : endpoints) {
        out.append(endpoint.getAddress()).append(':').append(endpoint.getPort()).append(',');
      }
      out.append(';');
    }
    return out.toString();
  }

  private EncodedSnapshot build(dev.crossgate.policy.server.store.Snapshot state,
      Hello hello, String scope, java.util.List<String> roots, String signing) {
    PolicyBundle scoped = SnapshotScoper.scope(state.bundle(), hello);
    List<String> resources = new ArrayList<>(scoped.resources().size());
    List<byte[]> resourceHashes = new ArrayList<>(scoped.resources().size());
    for (Resource resource : scoped.resources()) {
      String text = resourceJson.get(resource, PolicyCodec::toJson);
      resources.add(text);
      resourceHashes.add(resourceHash.get(resource, r -> SnapshotDeltas.resourceHash(text)));
    }
    String json = SnapshotDeltas.join(resources);
    // One pass over the JSON for both hashes: the resources alone, and with the trust bundle.
    String[] hashes = hashes(json, roots.isEmpty() ? null : "\n" + String.join("", roots) + signing);
    Set<String> services = new TreeSet<>();
    for (Service service : scoped.ofKind(Service.class)) {
      services.add(service.metadata().namespace() + "/" + service.metadata().name());
    }
    EncodedSnapshot encoded = EncodedSnapshot.of(Snapshot.newBuilder()
        .setRevision(state.revision())
        .setResourcesJson(json)
        // The hash covers the trust bundle too, so a node gets (and ACKs) a bundle change.
        .setHash(hashes[1])
        .addAllTrustRootsPem(roots)
        .setSigningRootSha256(signing)
        .setCreatedAtMillis(System.currentTimeMillis())
        .setGatewayName(SnapshotScoper.servedGateway(state.bundle(), hello))
        .build(), resources, resourceHashes, hashes[0], lastByScope.getIfPresent(scope), services);
    lastByScope.asMap().merge(scope, encoded, (old, fresh) ->
        fresh.snapshot().getRevision() >= old.snapshot().getRevision() ? fresh : old);
    return encoded;
  }

  /**
   * {@code DistributionProtocol.hash(json)} and {@code DistributionProtocol.hash(json + suffix)}
   * (the first again when {@code suffix} is null), reading {@code json} once.
   */
  static String[] hashes(String json, String suffix) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(json.getBytes(StandardCharsets.UTF_8));
      MessageDigest withSuffix = suffix == null ? null : (MessageDigest) digest.clone();
      String alone = HexFormat.of().formatHex(digest.digest(), 0, 16);
      if (withSuffix == null) {
        return new String[] {alone, alone};
      }
      withSuffix.update(suffix.getBytes(StandardCharsets.UTF_8));
      return new String[] {alone, HexFormat.of().formatHex(withSuffix.digest(), 0, 16)};
    } catch (NoSuchAlgorithmException | CloneNotSupportedException e) {
      throw new IllegalStateException("SHA-256 is always available and cloneable", e);
    }
  }

  /**
   * What a node's snapshot depends on besides the revision: a sidecar's namespace and service; a
   * gateway's Gateway resources as its hello resolves against {@code all} (so gateways that name
   * the same Gateway differently, {@code ""} for the only one, {@code edge} or
   * {@code default/edge}, share one snapshot, built and encoded once).
   */
  static String scopeKey(PolicyBundle all, Hello hello) {
    return hello.getRole() == NodeRole.NODE_ROLE_SIDECAR
        ? "sidecar|" + NodeRegistry.sidecarNamespace(hello) + "|" + hello.getService()
        : "gateway|" + SnapshotScoper.gatewayScope(all, hello);
  }

  private void evictOlderThan(long revision) {
    states.keySet().removeIf(r -> r < revision);
    built.keySet().removeIf(k -> Long.parseLong(k.substring(0, k.indexOf('|'))) < revision);
    composed.keySet().removeIf(k -> Long.parseLong(k.substring(0, k.indexOf('|'))) < revision);
  }
}
