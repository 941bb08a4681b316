package dev.crossgate.sidecar.inbound;

import dev.crossgate.routing.authn.RequestIdentity;
import dev.crossgate.routing.authz.AuthzRequest;
import dev.crossgate.routing.route.RequestHosts;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The authorization view of a request on the sidecar's inbound port: the caller's mesh identity
 * ({@code source.principal} = its verified SPIFFE id, {@code source.namespace} from it) for mTLS,
 * none for plaintext; the caller's real address; the inbound port as destination port.
 */
final class InboundAuthzRequest implements AuthzRequest {

  private final HttpServerRequest request;
  private final RequestIdentity identity;
  private final String sourceAddress;
  private final int port;
  private Map<String, String> headers;
  private Map<String, String> query;

  InboundAuthzRequest(HttpServerRequest request, String peer, String sourceAddress, int port) {
    this.request = request;
    this.identity = peer == null ? RequestIdentity.ANONYMOUS
        : RequestIdentity.ANONYMOUS.withSource(peer, namespaceOf(peer));
    this.sourceAddress = sourceAddress;
    this.port = port;
  }

  /** The namespace of {@code spiffe://<td>/ns/<namespace>/sa/<account>}, or null. */
  static String namespaceOf(String spiffeId) {
    int ns = spiffeId.indexOf("/ns/");
    if (ns < 0) {
      return null;
    }
    int end = spiffeId.indexOf('/', ns + 4);
    return spiffeId.substring(ns + 4, end < 0 ? spiffeId.length() : end);
  }

  @Override
  public String method() {
    return request.method().name().toUpperCase(Locale.ROOT);
  }

  @Override
  public String path() {
    String path = request.path();
    return path == null ? "/" : path;
  }

  @Override
  public String host() {
    return RequestHosts.of(request.authority());
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public String header(String name) {
    return request.getHeader(name);
  }

  @Override
  public Map<String, String> headers() {
    if (headers == null) {
      headers = firstValues(request.headers(), true);
    }
    return headers;
  }

  @Override
  public Map<String, String> query() {
    if (query == null) {
      try {
        query = firstValues(request.params(), false);
      } catch (RuntimeException e) {
        query = Map.of(); // an undecodable query: conditions on it see no parameters
      }
    }
    return query;
  }

  @Override
  public String sourceAddress() {
    return sourceAddress;
  }

  @Override
  public RequestIdentity identity() {
    return identity;
  }

  private static Map<String, String> firstValues(MultiMap values, boolean lowerCase) {
    Map<String, String> map = new HashMap<>();
    for (Map.Entry<String, String> entry : values) {
      String name = lowerCase ? entry.getKey().toLowerCase(Locale.ROOT) : entry.getKey();
      map.putIfAbsent(name, entry.getValue());
    }
    return map;
  }
}
