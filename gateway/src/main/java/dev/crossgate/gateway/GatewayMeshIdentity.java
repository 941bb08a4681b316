package dev.crossgate.gateway;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.distribution.DistributionClientSettings;
import dev.crossgate.policy.distribution.v1.Snapshot;
import dev.crossgate.policy.identity.IdentityClient;
import dev.crossgate.routing.mesh.CertificateManager;
import dev.crossgate.routing.mesh.MeshMigrationWeights;
import dev.crossgate.routing.mesh.MeshUpstreams;
import dev.crossgate.routing.upstream.UpstreamClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway as a mesh workload: a certificate from the policy engine's CA for the identity its
 * join token proves (renewed at half-life, and at once when the signing root changes), the trust
 * bundle of each snapshot, and the mesh path for services the snapshot puts in the mesh (see
 * {@link MeshUpstreams}). Until the certificate arrives, every request takes the direct path.
 */
final class GatewayMeshIdentity implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayMeshIdentity.class);

  private final IdentityClient identity;
  private final CertificateManager certificates;
  private final MeshUpstreams upstreams;

  private GatewayMeshIdentity(IdentityClient identity, CertificateManager certificates,
      MeshUpstreams upstreams) {
    this.identity = identity;
    this.certificates = certificates;
    this.upstreams = upstreams;
  }

  /**
   * Routes {@code client}'s backends through the mesh path and asks the engine for a
   * certificate, in the background: an engine that is down is retried; one that refuses the
   * token leaves the gateway on the direct path, with an error in the log.
   */
  static GatewayMeshIdentity start(Vertx vertx, GatewayOptions options, String joinToken,
      MeterRegistry registry, UpstreamClient client) {
    requireNonNull(joinToken, "joinToken");
    if (!options.usesControlPlane()) {
      throw new IllegalArgumentException("join token: given without a control plane (expected: "
          + "--control-plane too; the policy engine is the mesh CA)");
    }
    MeshUpstreams upstreams = new MeshUpstreams(registry);
    IdentityClient identity = new IdentityClient(vertx,
        DistributionClientSettings.parseEngines(options.controlPlane()).get(0));
    CertificateManager certificates = new CertificateManager(vertx, identity, joinToken, registry,
        Clock.systemUTC(), options.nodeId(), CertificateManager.DEFAULT_RENEWAL_JITTER);
    certificates.onCertificate(upstreams::certificate);
    client.routeBackendsThrough(upstreams);
    certificates.start()
        .onSuccess(certificate -> LOG.info("gateway mesh identity {}", certificate.spiffeId()))
        .onFailure(e -> LOG.error("the gateway has no mesh identity ({}); requests to mesh "
            + "services take their direct path", e.getMessage()));
    return new GatewayMeshIdentity(identity, certificates, upstreams);
  }

  /** Takes a snapshot's mesh services and trust bundle. Called on a worker thread. */
  void applied(Snapshot snapshot) {
    try {
      String resources = snapshot.getResourcesJson();
      upstreams.services(MeshMigrationWeights.of(resources), MeshMigrationWeights.strict(resources),
          snapshot.getMeshEndpointsList());
      certificates.trust(snapshot.getTrustRootsPemList(), snapshot.getSigningRootSha256());
    } catch (RuntimeException e) {
      LOG.warn("the mesh part of revision {} cannot be used: {}", snapshot.getRevision(),
          e.getMessage());
    }
  }

  /** The mesh path. */
  MeshUpstreams upstreams() {
    return upstreams;
  }

  /** The gateway's certificate. */
  CertificateManager certificates() {
    return certificates;
  }

  @Override
  public void close() {
    certificates.close();
    identity.close();
  }
}
