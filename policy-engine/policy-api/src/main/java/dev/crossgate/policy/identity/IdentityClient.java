package dev.crossgate.policy.identity;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.identity.v1.GetTrustBundleRequest;
import dev.crossgate.policy.identity.v1.IssueCertificateRequest;
import dev.crossgate.policy.identity.v1.IssueCertificateResponse;
import dev.crossgate.policy.identity.v1.TrustBundle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;

/**
 * Calls {@code crossgate.v1.MeshIdentity} on an engine. A refusal fails the future with an
 * {@link IdentityCallException} carrying the engine's status and message.
 */
public final class IdentityClient implements AutoCloseable {

  private final GrpcClient client;
  private final SocketAddress engine;

  public IdentityClient(Vertx vertx, SocketAddress engine) {
    this.client = GrpcClient.client(requireNonNull(vertx, "vertx"));
    this.engine = requireNonNull(engine, "engine");
  }

  /** Sends a CSR and a join token; answers with the certificate chain and trust bundle. */
  public Future<IssueCertificateResponse> issue(String csrPem, String joinToken) {
    return issue(csrPem, joinToken, "");
  }

  /**
   * The same, naming the node id of the caller's distribution stream, so the engine can tell
   * during a root rotation which root each connected node's certificate chains to.
   */
  public Future<IssueCertificateResponse> issue(String csrPem, String joinToken, String nodeId) {
    return call(IdentityProtocol.ISSUE_CLIENT, IssueCertificateRequest.newBuilder()
        .setCsrPem(requireNonNull(csrPem, "csrPem"))
        .setJoinToken(joinToken == null ? "" : joinToken)
        .setNodeId(nodeId == null ? "" : nodeId)
        .build());
  }

  /**
   * Renews without a join token: sends a CSR with the certificate held now and the signature of
   * the CSR's DER by that certificate's key (base64; see {@code identity.proto}).
   */
  public Future<IssueCertificateResponse> renew(String csrPem, String currentCertificatePem,
      String possessionSignature, String nodeId) {
    return call(IdentityProtocol.ISSUE_CLIENT, IssueCertificateRequest.newBuilder()
        .setCsrPem(requireNonNull(csrPem, "csrPem"))
        .setCurrentCertificatePem(requireNonNull(currentCertificatePem, "currentCertificatePem"))
        .setPossessionSignature(requireNonNull(possessionSignature, "possessionSignature"))
        .setNodeId(nodeId == null ? "" : nodeId)
        .build());
  }

  /** The engine's current trust bundle. */
  public Future<TrustBundle> trustBundle() {
    return call(IdentityProtocol.BUNDLE_CLIENT, GetTrustBundleRequest.getDefaultInstance());
  }

  private <Q, R> Future<R> call(ServiceMethod<R, Q> method, Q message) {
    return client.request(engine, method).compose(request -> {
      request.end(message);
      return request.response().compose(IdentityClient::last);
    });
  }

  private static <Q, R> Future<R> last(GrpcClientResponse<Q, R> response) {
    return response.last().recover(failure -> {
      GrpcStatus status = response.status();
      return Future.failedFuture(status == null || status == GrpcStatus.OK
          ? failure
          : new IdentityCallException(status, response.statusMessage()));
    });
  }

  @Override
  public void close() {
    client.close();
  }
}
