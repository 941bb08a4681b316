package dev.crossgate.policy.server.ca;

import static java.util.Objects.requireNonNull;

/**
 * Who a verified credential says the caller is.
 *
 * @param namespace the workload's namespace
 * @param serviceAccount the workload's service account
 */
public record WorkloadIdentity(String namespace, String serviceAccount) {

  public WorkloadIdentity {
    SpiffeId.checkName("namespace", requireNonNull(namespace, "namespace"));
    SpiffeId.checkName("serviceAccount", requireNonNull(serviceAccount, "serviceAccount"));
  }

  /** The SPIFFE id of this identity in {@code trustDomain}. */
  public SpiffeId in(String trustDomain) {
    return new SpiffeId(trustDomain, namespace, serviceAccount);
  }
}
