package dev.crossgate.routing.authz;

import dev.crossgate.routing.authn.RequestIdentity;
import java.util.Map;

/**
 * The attributes of one request that authorization looks at. The gateway adapts its exchange
 * ({@link ExchangeAuthzRequest}); the sidecar adapts its inbound request the same way, with the
 * source principal from mTLS in {@link #identity()}.
 */
public interface AuthzRequest {

  /** The method in upper case. */
  String method();

  /** The normalized path, without the query. */
  String path();

  /** The host without port, lower case. */
  String host();

  /** The destination port (the listener's), or 0 when unknown. */
  int port();

  /** The first value of a header (name case-insensitive), or null. */
  String header(String name);

  /** Every header, lower-case names, first values; built on demand for CEL. */
  Map<String, String> headers();

  /** Every query parameter, first values; built on demand for CEL. */
  Map<String, String> query();

  /** The client address (IP text), or null. */
  String sourceAddress();

  /** Who is calling. */
  RequestIdentity identity();
}
