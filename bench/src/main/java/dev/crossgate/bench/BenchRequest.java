package dev.crossgate.bench;

import dev.crossgate.routing.route.RequestView;
import java.util.Locale;

/** A fixed request for benchmarks: host, path, method and at most one header. */
final class BenchRequest implements RequestView {

  private final String host;
  private final String path;
  private final String method;
  private final String headerName;
  private final String headerValue;

  BenchRequest(String host, String path, String method, String headerName, String headerValue) {
    this.host = host;
    this.path = path;
    this.method = method;
    this.headerName = headerName == null ? null : headerName.toLowerCase(Locale.ROOT);
    this.headerValue = headerValue;
  }

  static BenchRequest get(String host, String path) {
    return new BenchRequest(host, path, "GET", null, null);
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
    return method;
  }

  @Override
  public String header(String name) {
    return headerName != null && headerName.equalsIgnoreCase(name) ? headerValue : null;
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
    return "192.0.2.1";
  }
}
