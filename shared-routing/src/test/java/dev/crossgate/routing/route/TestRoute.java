package dev.crossgate.routing.route;

import dev.crossgate.policy.model.HttpRoute;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A fluent builder of {@link RouteEntry} for tests; the target is the entry's name. */
final class TestRoute {

  private final String name;
  private String namespace = "default";
  private List<String> hostnames = List.of();
  private HttpRoute.PathMatch path;
  private String method;
  private final List<HttpRoute.ValueMatch> headers = new ArrayList<>();
  private final List<HttpRoute.ValueMatch> queryParams = new ArrayList<>();
  private Instant created;
  private int ruleIndex;
  private int matchIndex;
  private boolean noMatch;

  private TestRoute(String name) {
    this.name = name;
  }

  static TestRoute route(String name) {
    return new TestRoute(name);
  }

  TestRoute namespace(String namespace) {
    this.namespace = namespace;
    return this;
  }

  TestRoute hosts(String... hostnames) {
    this.hostnames = List.of(hostnames);
    return this;
  }

  TestRoute exact(String value) {
    path = new HttpRoute.PathMatch("Exact", value);
    return this;
  }

  TestRoute prefix(String value) {
    path = new HttpRoute.PathMatch("PathPrefix", value);
    return this;
  }

  TestRoute regex(String value) {
    path = new HttpRoute.PathMatch("RegularExpression", value);
    return this;
  }

  TestRoute path(HttpRoute.PathMatch path) {
    this.path = path;
    return this;
  }

  TestRoute method(String method) {
    this.method = method;
    return this;
  }

  TestRoute header(String name, String value) {
    headers.add(new HttpRoute.ValueMatch("Exact", name, value));
    return this;
  }

  TestRoute headerRegex(String name, String pattern) {
    headers.add(new HttpRoute.ValueMatch("RegularExpression", name, pattern));
    return this;
  }

  TestRoute query(String name, String value) {
    queryParams.add(new HttpRoute.ValueMatch(null, name, value));
    return this;
  }

  TestRoute queryRegex(String name, String pattern) {
    queryParams.add(new HttpRoute.ValueMatch("RegularExpression", name, pattern));
    return this;
  }

  TestRoute created(String instant) {
    this.created = Instant.parse(instant);
    return this;
  }

  TestRoute index(int rule, int match) {
    this.ruleIndex = rule;
    this.matchIndex = match;
    return this;
  }

  TestRoute noMatch() {
    this.noMatch = true;
    return this;
  }

  RouteEntry<String> build() {
    HttpRoute.Match match =
        noMatch ? null : new HttpRoute.Match(path, headers, queryParams, method);
    return new RouteEntry<>(
        hostnames, match, created, namespace, name, ruleIndex, matchIndex, targetName());
  }

  private String targetName() {
    return name + (ruleIndex == 0 && matchIndex == 0 ? "" : "#" + ruleIndex + "." + matchIndex);
  }
}
