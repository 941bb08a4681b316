package dev.crossgate.routing.route;

/**
 * The parts of an incoming request that routing and load balancing look at. Implementations
 * adapt a live request without copying it; every method may be called many times and must be
 * cheap.
 */
public interface RequestView {

  /** The host without port, lower-cased; never null (empty when the request had none). */
  String host();

  /** The normalized path without the query string; always starts with {@code /}. */
  String path();

  /** The method in upper case, e.g. {@code GET}. */
  String method();

  /** The first value of a header (name case-insensitive), or null. */
  String header(String name);

  /** The first value of a query parameter (name case-sensitive, value decoded), or null. */
  String queryParam(String name);

  /** The value of a cookie, or null. */
  String cookie(String name);

  /** The client address as text (IP only), or null when unknown. */
  String clientAddress();
}
