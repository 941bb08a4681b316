package dev.crossgate.routing.proxy;

import dev.crossgate.routing.route.RequestHosts;
import dev.crossgate.routing.route.RequestView;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/** A {@link RequestView} over a live Vert.x request, with the path already normalized. */
final class HttpRequestView implements RequestView {

  /** Marks a request without a remote address once it was looked for. */
  private static final String NO_ADDRESS = new String("");

  private final HttpServerRequest request;
  private final String host;
  private final String path;
  private String clientAddress;

  HttpRequestView(HttpServerRequest request, String normalizedPath) {
    this.request = request;
    this.host = RequestHosts.of(request.authority());
    this.path = normalizedPath;
  }

  @Override
  public String host() {
    return host;
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public String method() {
    return request.method().name();
  }

  @Override
  public String header(String name) {
    return request.getHeader(name);
  }

  @Override
  public String queryParam(String name) {
    return request.query() == null ? null : request.getParam(name);
  }

  @Override
  public String cookie(String name) {
    Cookie cookie = request.getCookie(name);
    return cookie == null ? null : cookie.getValue();
  }

  @Override
  public String clientAddress() {
    if (clientAddress == null) { // read by rate limits, authz and the access log: format once
      SocketAddress address = request.remoteAddress();
      clientAddress = address == null ? NO_ADDRESS : address.hostAddress();
    }
    return clientAddress == NO_ADDRESS ? null : clientAddress;
  }
}
