package dev.crossgate.routing.proxy;

import dev.crossgate.routing.route.RequestView;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import java.util.Locale;

/** A {@link RequestView} over a live Vert.x request, with the path already normalized. */
final class HttpRequestView implements RequestView {

  private final HttpServerRequest request;
  private final String host;
  private final String path;

  HttpRequestView(HttpServerRequest request, String normalizedPath) {
    this.request = request;
    HostAndPort authority = request.authority();
    this.host = authority == null ? "" : authority.host().toLowerCase(Locale.ROOT);
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
    SocketAddress address = request.remoteAddress();
    return address == null ? null : address.hostAddress();
  }
}
