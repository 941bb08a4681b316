package dev.crossgate.routing.config;

import dev.crossgate.policy.model.Gateway;
import dev.crossgate.routing.lb.WeightedChoice;
import dev.crossgate.routing.tls.ListenerTls;
import dev.crossgate.routing.route.RouteTable;
import dev.crossgate.routing.upstream.Backend;
import java.util.Objects;

/**
 * A compiled listener: its port, its protocol and where its traffic goes.
 *
 * @param name the listener name
 * @param port the port to bind
 * @param protocol {@code HTTP} or {@code TCP}
 * @param routes the route table for requests arriving on an HTTP listener; empty for TCP
 * @param tcpBackends for a TCP listener, the weighted backends of the attached TCPRoute's first
 *     rule; null when no TCPRoute attaches (connections are then closed) and for HTTP
 * @param tls for an {@code HTTPS} listener, its certificates and TLS settings; null otherwise
 * @param httpsRedirect for an {@code HTTP} listener that redirects every request to HTTPS, where
 *     to; null otherwise
 */
public record Listener(String name, int port, String protocol, RouteTable<RouteRule> routes,
    WeightedChoice<Backend> tcpBackends, ListenerTls tls, Gateway.HttpsRedirect httpsRedirect) {

  /** The protocol of a listener that forwards opaque bytes. */
  public static final String TCP = "TCP";

  public Listener {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(routes, "routes");
  }

  /** A listener without TLS. */
  public Listener(String name, int port, String protocol, RouteTable<RouteRule> routes,
      WeightedChoice<Backend> tcpBackends) {
    this(name, port, protocol, routes, tcpBackends, null, null);
  }

  /** An HTTP listener. */
  public Listener(String name, int port, RouteTable<RouteRule> routes) {
    this(name, port, "HTTP", routes, null);
  }

  /** True for a {@code protocol: TCP} listener. */
  public boolean tcp() {
    return TCP.equals(protocol);
  }
}
