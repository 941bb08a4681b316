package dev.crossgate.routing.tcp;

import dev.crossgate.routing.route.RequestView;

/**
 * What a load balancer sees of a new TCP connection: nothing but that it is one. Hash-based
 * balancers find no key and fall back to their default choice.
 */
public final class TcpConnectionView implements RequestView {

  public static final TcpConnectionView INSTANCE = new TcpConnectionView();

  private TcpConnectionView() {}

  @Override
  public String host() {
    return "";
  }

  @Override
  public String path() {
    return "/";
  }

  @Override
  public String method() {
    return "";
  }

  @Override
  public String header(String name) {
    return null;
  }

  @Override
  public String queryParam(String name) {
    return null;
  }

  @Override
  public String cookie(String name) {
    return null;
  }

  @Override
  public String clientAddress() {
    return null;
  }
}
