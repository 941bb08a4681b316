package dev.crossgate.cli.inject;

/**
 * The container images of this Crossgate version, one per role, as built by
 * {@code k8s/docker/<role>.Dockerfile} and used by the {@code k8s/} manifests.
 */
public final class CrossgateImages {

  /** The tag every image of this version carries. */
  public static final String TAG = "0.1.0";
  /** The ingress gateway. */
  public static final String GATEWAY = "crossgate/gateway:" + TAG;
  /** The policy engine. */
  public static final String POLICY_ENGINE = "crossgate/policy-engine:" + TAG;
  /** The sidecar, which also runs the capture init container. */
  public static final String SIDECAR = "crossgate/sidecar:" + TAG;

  private CrossgateImages() {}
}
