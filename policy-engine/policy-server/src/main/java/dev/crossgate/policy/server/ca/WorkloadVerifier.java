package dev.crossgate.policy.server.ca;

import io.vertx.core.Future;

/**
 * Proves who a caller is from the credential it presents before it may get a certificate. The
 * engine uses {@link JoinTokens}; a Kubernetes verifier would send the service-account token to
 * the API server's TokenReview and map {@code system:serviceaccount:<ns>:<sa>} to an identity.
 *
 * <p>Implementations never block the calling event loop and fail with an
 * {@link IdentityException} whose reason is an authentication one.
 */
public interface WorkloadVerifier {

  /** The identity {@code credential} proves, or a failed future saying why it proves none. */
  Future<WorkloadIdentity> verify(String credential);
}
