package dev.crossgate.sidecar.inbound;

import dev.crossgate.routing.authn.RequestIdentity;
import dev.crossgate.routing.authz.AuthzRequest;
import java.util.Map;

/**
 * The authorization view of one opaque TCP connection on the sidecar's inbound port: only what
 * is known at L4 — the caller's verified SPIFFE id ({@code source.principal}, and
 * {@code source.namespace} from it; none for plaintext), its address, and the inbound port as
 * destination port. It has no method, path, host, header or query: policies that target a TCP
 * service cannot name them (refused at validation), and a RoleBinding permission that does
 * matches nothing, so it allows nothing.
 */
final class ConnectionAuthzRequest implements AuthzRequest {

  private final RequestIdentity identity;
  private final String sourceAddress;
  private final int port;

  ConnectionAuthzRequest(String peer, String sourceAddress, int port) {
    this.identity = peer == null ? RequestIdentity.ANONYMOUS
        : RequestIdentity.ANONYMOUS.withSource(peer, InboundAuthzRequest.namespaceOf(peer));
    this.sourceAddress = sourceAddress;
    this.port = port;
  }

  @Override
  public String method() {
    return "";
  }

  @Override
  public String path() {
    return "";
  }

  @Override
  public String host() {
    return "";
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public String header(String name) {
    return null;
  }

  @Override
  public Map<String, String> headers() {
    return Map.of();
  }

  @Override
  public Map<String, String> query() {
    return Map.of();
  }

  @Override
  public String sourceAddress() {
    return sourceAddress;
  }

  @Override
  public RequestIdentity identity() {
    return identity;
  }
}
