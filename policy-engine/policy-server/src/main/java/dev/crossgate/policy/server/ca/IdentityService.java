package dev.crossgate.policy.server.ca;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.identity.IdentityProtocol;
import dev.crossgate.policy.identity.v1.IssueCertificateResponse;
import dev.crossgate.policy.identity.v1.TrustBundle;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code crossgate.v1.MeshIdentity} on a gRPC server: certificates from CSRs (with a join
 * token, or, to renew, with the certificate held and proof of its key), and the trust bundle. Refusals become UNAUTHENTICATED (credential) or INVALID_ARGUMENT (CSR) with the reason.
 */
public final class IdentityService {

  private static final Logger LOG = LoggerFactory.getLogger(IdentityService.class);

  private final MeshAuthority authority;

  public IdentityService(MeshAuthority authority) {
    this.authority = requireNonNull(authority, "authority");
  }

  /** Adds the service's methods to {@code grpc}. */
  public void register(GrpcServer grpc) {
    grpc.callHandler(IdentityProtocol.ISSUE_SERVER, request -> request.last()
        .compose(message -> message.getJoinToken().isEmpty()
            && !message.getCurrentCertificatePem().isEmpty()
            ? authority.renew(message.getCsrPem(), message.getCurrentCertificatePem(),
                message.getPossessionSignature(), message.getNodeId())
            : authority.issue(message.getCsrPem(), message.getJoinToken(), message.getNodeId()))
        .onComplete(result -> {
          GrpcServerResponse<?, IssueCertificateResponse> response = request.response();
          if (result.succeeded()) {
            var issued = result.result();
            LOG.info("mesh CA issued a certificate for {}, expires {}", issued.spiffeId(),
                issued.notAfter());
            response.end(IssueCertificateResponse.newBuilder()
                .setCertificateChainPem(issued.chainPem())
                .setTrustBundlePem(issued.trustBundlePem())
                .setSpiffeId(issued.spiffeId().uri())
                .setNotAfterMillis(issued.notAfter().toEpochMilli())
                .build());
          } else if (result.cause() instanceof IdentityException refused) {
            LOG.info("mesh CA refused a certificate from {}: {}", request.connection().remoteAddress(),
                refused.getMessage());
            response.status(refused.reason().authentication()
                    ? GrpcStatus.UNAUTHENTICATED : GrpcStatus.INVALID_ARGUMENT)
                .statusMessage(refused.getMessage())
                .end();
          } else {
            LOG.warn("mesh CA failed to issue a certificate", result.cause());
            response.status(GrpcStatus.INTERNAL).statusMessage("the mesh CA failed; see the engine's log").end();
          }
        }));
    grpc.callHandler(IdentityProtocol.BUNDLE_SERVER, request -> request.last().onComplete(ignored ->
        request.response().end(TrustBundle.newBuilder()
            .setTrustBundlePem(authority.trustBundlePem())
            .setTrustDomain(authority.trustDomain())
            .build())));
  }
}
