package dev.crossgate.sidecar.proxy;

import dev.crossgate.routing.error.ErrorReason;
import dev.crossgate.routing.error.ProxyException;

/** The sidecar's own problem responses and the header that names a verified caller. */
final class ProxyProblems {

  /** The header carrying the caller's verified mesh identity to the app. */
  static final String PEER_HEADER = "x-crossgate-peer";

  private ProxyProblems() {}

  /** A failure that becomes a {@code reason} response. */
  static ProxyException error(ErrorReason reason, String detail) {
    return new ProxyException(reason, detail);
  }
}
