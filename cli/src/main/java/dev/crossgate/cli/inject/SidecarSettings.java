package dev.crossgate.cli.inject;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What {@code crossgate inject} adds to a pod: the sidecar image, where the policy engine is,
 * the Secret holding the join token, the sidecar's ports and UID, and the ports left out of
 * capture.
 *
 * @param image the sidecar image (also runs the capture init container)
 * @param controlPlane the policy engine's distribution address, {@code HOST:PORT}
 * @param joinTokenSecret the Secret (in the workload's namespace) whose {@code token} key is the
 *     sidecar's join token; {@value #SERVICE_ACCOUNT} stands for the pod's service account, since
 *     a join token is bound to one namespace and service account
 * @param appPort the app's port, or {@code null} to take it from the manifest
 * @param excludeInboundPorts inbound ports not captured, besides the sidecar's admin port
 * @param excludeOutboundPorts destination ports not captured outbound
 */
public record SidecarSettings(String image, String controlPlane, String joinTokenSecret,
    Integer appPort, List<Integer> excludeInboundPorts, List<Integer> excludeOutboundPorts) {

  /** The sidecar image this version of Crossgate injects. */
  public static final String DEFAULT_IMAGE = CrossgateImages.SIDECAR;
  /** The policy engine's distribution Service as the {@code k8s/} manifests deploy it. */
  public static final String DEFAULT_CONTROL_PLANE =
      "policy-engine.crossgate.svc.cluster.local:9081";
  /** In {@link #joinTokenSecret}: the pod's service account. */
  public static final String SERVICE_ACCOUNT = "{serviceAccount}";
  /** The Secret holding the join token (key {@link #JOIN_TOKEN_KEY}): one per service account. */
  public static final String DEFAULT_JOIN_TOKEN_SECRET = "crossgate-join-" + SERVICE_ACCOUNT;
  /** The key of the join token in its Secret. */
  public static final String JOIN_TOKEN_KEY = "token";

  /** The sidecar's inbound listener: captured inbound traffic lands here. */
  public static final int INBOUND_PORT = 4143;
  /** The sidecar's outbound listener: captured outbound traffic lands here. */
  public static final int OUTBOUND_PORT = 4140;
  /** The sidecar's admin port: {@code /ready}, {@code /live}, {@code /metrics}. */
  public static final int ADMIN_PORT = 4191;
  /** The admin path that is true once the sidecar has a certificate and a snapshot. */
  public static final String READY_PATH = "/ready";
  /** The admin path that is true while the sidecar process answers. */
  public static final String LIVE_PATH = "/live";
  /** The UID the sidecar runs as; the capture rules let its own traffic through. */
  public static final int PROXY_UID = 1337;

  public SidecarSettings {
    requireNonNull(image, "image");
    requireNonNull(controlPlane, "controlPlane");
    requireNonNull(joinTokenSecret, "joinTokenSecret");
    if (appPort != null) {
      checkPort("appPort", appPort);
    }
    excludeInboundPorts = List.copyOf(excludeInboundPorts);
    excludeOutboundPorts = List.copyOf(excludeOutboundPorts);
    excludeInboundPorts.forEach(port -> checkPort("excludeInboundPorts", port));
    excludeOutboundPorts.forEach(port -> checkPort("excludeOutboundPorts", port));
  }

  /** The defaults: the app port taken from each manifest, nothing else excluded. */
  public static SidecarSettings defaults() {
    return new SidecarSettings(DEFAULT_IMAGE, DEFAULT_CONTROL_PLANE, DEFAULT_JOIN_TOKEN_SECRET,
        null, List.of(), List.of());
  }

  static void checkPort(String name, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(name + ": " + port + " (expected: 1..65535)");
    }
  }
}
