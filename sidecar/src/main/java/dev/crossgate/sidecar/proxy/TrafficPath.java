package dev.crossgate.sidecar.proxy;

/** How a sidecar reaches a service it calls. */
public enum TrafficPath {
  /** To the service's sidecars ({@code mesh_endpoints}), over mutual TLS. */
  MESH,
  /** To the service's static {@code Service.spec.endpoints} (the app itself), in plaintext. */
  DIRECT;

  /** The lower-case name, as metrics and logs spell it. */
  public String label() {
    return this == MESH ? "mesh" : "direct";
  }
}
