package dev.crossgate.sidecar;

import dev.crossgate.policy.distribution.AppliedSnapshot;
import dev.crossgate.policy.distribution.DistributionClient;
import dev.crossgate.policy.distribution.DistributionClientSettings;
import dev.crossgate.policy.distribution.NodeIdentity;
import dev.crossgate.policy.distribution.v1.Endpoint;
import dev.crossgate.policy.distribution.v1.NodeRole;
import dev.crossgate.policy.server.PolicyServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * A data plane that registers with the engine as sidecar {@code impostor-1} of
 * {@code shop/impostor} but advertises another sidecar's inbound port: the mesh path to
 * {@code impostor} then reaches a peer presenting someone else's identity.
 */
final class ImpostorNode {

  private ImpostorNode() {}

  /** Registers and advertises {@code port}; answers once the engine has the endpoint. */
  static DistributionClient advertising(Vertx vertx, PolicyServer engine, int port)
      throws Exception {
    DistributionClient impostor = DistributionClient.start(vertx,
        DistributionClientSettings.defaults(DistributionClientSettings.parseEngines(
            "127.0.0.1:" + engine.distributionPort())),
        new NodeIdentity("impostor-1", NodeRole.NODE_ROLE_SIDECAR, "", "impostor", "shop", "test"),
        () -> AppliedSnapshot.NONE, snapshot -> Future.succeededFuture(),
        new DistributionClient.ConnectionListener() {});
    impostor.advertise(Endpoint.newBuilder().setAddress("127.0.0.1").setPort(port).build())
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return impostor;
  }
}
