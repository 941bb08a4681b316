package dev.crossgate.routing.config;

import dev.crossgate.routing.route.RouteTable;
import java.util.Objects;

/**
 * A compiled listener: its port and the routes attached to it.
 *
 * @param name the listener name
 * @param port the port to bind
 * @param routes the route table for requests arriving on this listener
 */
public record Listener(String name, int port, RouteTable<RouteRule> routes) {
  public Listener {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(routes, "routes");
  }
}
