package dev.crossgate.policy.identity;

import dev.crossgate.policy.identity.v1.GetTrustBundleRequest;
import dev.crossgate.policy.identity.v1.IssueCertificateRequest;
import dev.crossgate.policy.identity.v1.IssueCertificateResponse;
import dev.crossgate.policy.identity.v1.TrustBundle;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;

/** Names and codecs of the {@code crossgate.v1.MeshIdentity} service, shared by both ends. */
public final class IdentityProtocol {

  /** The gRPC service name. */
  public static final ServiceName SERVICE = ServiceName.create("crossgate.v1", "MeshIdentity");

  /** The client's view of {@code IssueCertificate}. */
  public static final ServiceMethod<IssueCertificateResponse, IssueCertificateRequest> ISSUE_CLIENT =
      ServiceMethod.client(SERVICE, "IssueCertificate", GrpcMessageEncoder.encoder(),
          GrpcMessageDecoder.decoder(IssueCertificateResponse.getDefaultInstance()));

  /** The engine's view of {@code IssueCertificate}. */
  public static final ServiceMethod<IssueCertificateRequest, IssueCertificateResponse> ISSUE_SERVER =
      ServiceMethod.server(SERVICE, "IssueCertificate", GrpcMessageEncoder.encoder(),
          GrpcMessageDecoder.decoder(IssueCertificateRequest.getDefaultInstance()));

  /** The client's view of {@code GetTrustBundle}. */
  public static final ServiceMethod<TrustBundle, GetTrustBundleRequest> BUNDLE_CLIENT =
      ServiceMethod.client(SERVICE, "GetTrustBundle", GrpcMessageEncoder.encoder(),
          GrpcMessageDecoder.decoder(TrustBundle.getDefaultInstance()));

  /** The engine's view of {@code GetTrustBundle}. */
  public static final ServiceMethod<GetTrustBundleRequest, TrustBundle> BUNDLE_SERVER =
      ServiceMethod.server(SERVICE, "GetTrustBundle", GrpcMessageEncoder.encoder(),
          GrpcMessageDecoder.decoder(GetTrustBundleRequest.getDefaultInstance()));

  private IdentityProtocol() {}

  /**
   * The algorithm of a renewal's {@code possession_signature} made with a key of
   * {@code keyAlgorithm} (a JCA key algorithm name): SHA256withECDSA for EC, SHA256withRSA for
   * RSA, the key's own for EdDSA.
   */
  public static String possessionAlgorithm(String keyAlgorithm) {
    return switch (keyAlgorithm) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default -> keyAlgorithm;
    };
  }
}
