package dev.crossgate.routing.authz;

import dev.crossgate.routing.authn.RequestIdentity;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** A request for authorization tests, built field by field. */
final class TestAuthzRequest implements AuthzRequest {

  String method = "GET";
  String path = "/";
  String host = "shop.example.com";
  int port = 8080;
  final Map<String, String> headers = new HashMap<>();
  final Map<String, String> query = new HashMap<>();
  String sourceAddress = "192.0.2.10";
  RequestIdentity identity = RequestIdentity.ANONYMOUS;
  int headerMapsRead;
  int queryMapsRead;

  static TestAuthzRequest get(String path) {
    TestAuthzRequest request = new TestAuthzRequest();
    request.path = path;
    return request;
  }

  TestAuthzRequest method(String value) {
    method = value;
    return this;
  }

  TestAuthzRequest host(String value) {
    host = value;
    return this;
  }

  TestAuthzRequest port(int value) {
    port = value;
    return this;
  }

  TestAuthzRequest header(String name, String value) {
    headers.put(name.toLowerCase(Locale.ROOT), value);
    return this;
  }

  TestAuthzRequest query(String name, String value) {
    query.put(name, value);
    return this;
  }

  TestAuthzRequest from(String address) {
    sourceAddress = address;
    return this;
  }

  TestAuthzRequest jwt(String subject, Map<String, Object> claims) {
    Map<String, Object> all = new HashMap<>(claims);
    all.put("sub", subject);
    all.putIfAbsent("iss", "https://issuer.test");
    identity = identity.withJwt("https://issuer.test/" + subject, all);
    return this;
  }

  TestAuthzRequest mesh(String principal, String namespace) {
    identity = identity.withSource(principal, namespace);
    return this;
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public String host() {
    return host;
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  @Override
  public Map<String, String> headers() {
    headerMapsRead++;
    return headers;
  }

  @Override
  public Map<String, String> query() {
    queryMapsRead++;
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
}
