package dev.crossgate.routing.route;

import io.vertx.core.net.HostAndPort;
import java.util.Locale;

/**
 * Puts a request's host into the one form routes, authorization and the sidecar's service names
 * compare: lower case, and without the trailing dot of an absolute domain name, so that
 * {@code Host: Shop.Example.com.} is {@code shop.example.com} (as DNS reads it).
 */
public final class RequestHosts {

  private RequestHosts() {}

  /**
   * The host of {@code authority} in canonical form; empty when there is no authority. Only one
   * trailing dot is dropped: {@code b..} stays {@code b.}, which names no host a route can have.
   */
  public static String of(HostAndPort authority) {
    return authority == null ? "" : normalize(authority.host());
  }

  /** {@code host} lower-cased, without one trailing dot. */
  public static String normalize(String host) {
    String lower = host.toLowerCase(Locale.ROOT);
    int last = lower.length() - 1;
    return last > 0 && lower.charAt(last) == '.' ? lower.substring(0, last) : lower;
  }
}
