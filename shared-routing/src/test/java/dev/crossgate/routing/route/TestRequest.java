package dev.crossgate.routing.route;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** A mutable in-memory {@link RequestView} for tests. */
public final class TestRequest implements RequestView {

  private final String host;
  private final String path;
  private String method = "GET";
  private final Map<String, String> headers = new HashMap<>();
  private final Map<String, String> queryParams = new HashMap<>();
  private final Map<String, String> cookies = new HashMap<>();
  private String clientAddress;

  private TestRequest(String host, String path) {
    this.host = host;
    this.path = path;
  }

  /** A GET request for a host and an already normalized path. */
  public static TestRequest of(String host, String path) {
    return new TestRequest(host, path);
  }

  public TestRequest method(String method) {
    this.method = method;
    return this;
  }

  public TestRequest header(String name, String value) {
    headers.put(name.toLowerCase(Locale.ROOT), value);
    return this;
  }

  public TestRequest query(String name, String value) {
    queryParams.put(name, value);
    return this;
  }

  public TestRequest cookie(String name, String value) {
    cookies.put(name, value);
    return this;
  }

  public TestRequest clientAddress(String address) {
    this.clientAddress = address;
    return this;
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
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  @Override
  public String queryParam(String name) {
    return queryParams.get(name);
  }

  @Override
  public String cookie(String name) {
    return cookies.get(name);
  }

  @Override
  public String clientAddress() {
    return clientAddress;
  }
}
