package dev.crossgate.routing.ratelimit;

import dev.crossgate.routing.filter.ProxyExchange;
import java.util.List;

/**
 * The client address: the peer of the connection, unless that peer is a trusted proxy, in which
 * case {@code X-Forwarded-For} is read from the right, skipping trusted proxies, and the first
 * address not trusted is the client. Untrusted peers cannot choose their key by sending the
 * header.
 */
public final class ClientAddressKey implements RateKey {

  private final List<CidrBlock> trustedProxies;

  /** A key trusting {@code X-Forwarded-For} only from these proxies (may be empty). */
  public ClientAddressKey(List<CidrBlock> trustedProxies) {
    this.trustedProxies = List.copyOf(trustedProxies);
  }

  @Override
  public String of(ProxyExchange exchange) {
    return clientOf(exchange.view().clientAddress(),
        trustedProxies.isEmpty() ? List.of()
            : exchange.request().headers().getAll("x-forwarded-for"));
  }

  /**
   * The client address for a connection from {@code peer} carrying these
   * {@code X-Forwarded-For} header values.
   */
  String clientOf(String peer, List<String> forwardedFor) {
    if (peer == null || !trusted(peer) || forwardedFor.isEmpty()) {
      return peer;
    }
    String client = peer;
    for (int h = forwardedFor.size() - 1; h >= 0; h--) {
      String[] hops = forwardedFor.get(h).split(",");
      for (int i = hops.length - 1; i >= 0; i--) {
        String hop = hops[i].trim();
        if (hop.isEmpty()) {
          continue;
        }
        client = hop;
        if (!trusted(hop)) {
          return hop;
        }
      }
    }
    return client;
  }

  private boolean trusted(String address) {
    byte[] bytes = CidrBlock.parseAddress(address);
    if (bytes == null) {
      return false;
    }
    for (CidrBlock block : trustedProxies) {
      if (block.contains(bytes)) {
        return true;
      }
    }
    return false;
  }
}
