package dev.crossgate.routing.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossgate.policy.model.Gateway;
import dev.crossgate.policy.model.GrpcRoute;
import dev.crossgate.policy.model.HttpRoute;
import dev.crossgate.policy.model.ObjectMeta;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.model.Service;
import dev.crossgate.routing.lb.UpstreamEndpoint;
import dev.crossgate.routing.route.RouteEntry;
import dev.crossgate.routing.route.RouteTable;
import dev.crossgate.routing.route.TestRequest;
import dev.crossgate.routing.upstream.BackendProtocol;
import dev.crossgate.routing.upstream.UpstreamClient;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RoutingConfigCompilerTest {

  private static Vertx vertx;
  private static RoutingConfigCompiler compiler;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
    compiler = new RoutingConfigCompiler(
        new UpstreamClient(vertx, UpstreamClient.Settings.defaults()), List.of());
  }

  @AfterAll
  static void stopVertx() {
    vertx.close().await();
  }

  private static Gateway gateway(String namespace, String name, Gateway.Listener... listeners) {
    return new Gateway("crossgate.dev/v1", ObjectMeta.of(namespace, name),
        new Gateway.Spec(null, List.of(listeners)));
  }

  private static Gateway.Listener listener(String name, int port, String hostname) {
    return new Gateway.Listener(name, port, "HTTP", hostname);
  }

  private static HttpRoute route(String name, List<HttpRoute.ParentRef> parents,
      List<String> hostnames, String service) {
    HttpRoute.Rule rule = new HttpRoute.Rule(null, null, null,
        List.of(new HttpRoute.BackendRef(service, null, null, null)));
    return new HttpRoute("crossgate.dev/v1", ObjectMeta.of("shop", name),
        new HttpRoute.Spec(parents, hostnames, List.of(rule)));
  }

  private static HttpRoute route(String name, HttpRoute.ParentRef... parents) {
    return route(name, List.of(parents), List.of(), "svc");
  }

  private static Service service(String name, Service.Endpoint... endpoints) {
    return new Service("crossgate.dev/v1", ObjectMeta.of("shop", name),
        new Service.Spec(List.of(endpoints), null));
  }

  private static Service.Endpoint endpoint(String address, int port) {
    return new Service.Endpoint(address, port);
  }

  private static PolicyBundle bundle(Resource... resources) {
    return new PolicyBundle(List.of(resources));
  }

  private static RoutingConfig compile(PolicyBundle bundle, String gatewayName,
      RoutingConfig previous) throws ConfigException {
    return compiler.compile(bundle, gatewayName, "test", "v1", "[]", previous);
  }

  private static RoutingConfig compile(Resource... resources) throws ConfigException {
    return compile(bundle(resources), null, null);
  }

  /** The route that {@code host}{@code path} reaches on a listener, or null. */
  private static String routeOn(RoutingConfig config, String listener, String host,
      String path) {
    RouteEntry<RouteRule> entry = config.listeners().get(listener).routes()
        .match(TestRequest.of(host, path));
    return entry == null ? null : entry.target().routeName();
  }

  private static final Gateway TWO_LISTENERS = gateway("shop", "edge",
      listener("web", 8080, null), listener("admin", 8081, null));

  @Test
  void compilesListenersAndBackends() throws ConfigException {
    RoutingConfig config = compile(TWO_LISTENERS, service("svc", endpoint("10.0.0.1", 80)),
        route("all"));

    assertThat(config.gatewayName()).isEqualTo("shop/edge");
    assertThat(config.ports()).containsExactly(8080, 8081);
    assertThat(config.listenerOnPort(8081)).get().extracting(Listener::name).isEqualTo("admin");
    assertThat(config.backends()).containsOnlyKeys("shop/svc");
    assertThat(config.backends().get("shop/svc").loadBalancer().endpoints())
        .extracting(UpstreamEndpoint::key).containsExactly("10.0.0.1:80");
    RouteRule rule = config.listeners().get("web").routes()
        .match(TestRequest.of("any.host", "/x")).target();
    assertThat(rule.routeName()).isEqualTo("shop/all");
    assertThat(rule.ruleIndex()).isZero();
    assertThat(rule.backends()).isNotNull();
  }

  @Test
  void routeWithoutParentRefsAttachesToEveryListener() throws ConfigException {
    RoutingConfig config = compile(TWO_LISTENERS, service("svc"), route("all"));

    assertThat(routeOn(config, "web", "a.com", "/")).isEqualTo("shop/all");
    assertThat(routeOn(config, "admin", "a.com", "/")).isEqualTo("shop/all");
  }

  @Test
  void sectionNameAttachesToOneListener() throws ConfigException {
    RoutingConfig config = compile(TWO_LISTENERS, service("svc"),
        route("web-only", new HttpRoute.ParentRef("edge", null, "web")));

    assertThat(routeOn(config, "web", "a.com", "/")).isEqualTo("shop/web-only");
    assertThat(config.listeners().get("admin").routes().size()).isZero();
  }

  @Test
  void parentRefWithoutSectionNameAttachesToEveryListenerOfThatGateway()
      throws ConfigException {
    RoutingConfig config = compile(TWO_LISTENERS, service("svc"),
        route("both", new HttpRoute.ParentRef("edge", "shop", null)));

    assertThat(routeOn(config, "web", "a.com", "/")).isEqualTo("shop/both");
    assertThat(routeOn(config, "admin", "a.com", "/")).isEqualTo("shop/both");
  }

  @Test
  void parentRefToAnotherGatewayOrNamespaceDoesNotAttach() throws ConfigException {
    RoutingConfig config = compile(TWO_LISTENERS, service("svc"),
        route("elsewhere", new HttpRoute.ParentRef("other", null, null)),
        route("other-namespace", new HttpRoute.ParentRef("edge", "infra", null)),
        route("unknown-listener", new HttpRoute.ParentRef("edge", null, "nope")));

    assertThat(config.listeners().values())
        .allSatisfy(l -> assertThat(l.routes().size()).isZero());
  }

  @Test
  void listenerHostnameNarrowsRouteHostnames() throws ConfigException {
    RoutingConfig config = compile(
        gateway("shop", "edge", listener("shop", 8080, "*.example.com")),
        service("svc"),
        route("any-host", List.of(), List.of(), "svc"),
        route("wildcard", List.of(), List.of("*.example.com"), "svc"),
        route("exact", List.of(), List.of("api.example.com"), "svc"),
        route("disjoint", List.of(), List.of("example.org"), "svc"));

    assertThat(routeOn(config, "shop", "api.example.com", "/")).isEqualTo("shop/exact");
    assertThat(routeOn(config, "shop", "www.example.com", "/")).isIn("shop/any-host",
        "shop/wildcard");
    assertThat(routeOn(config, "shop", "example.org", "/")).isNull();
    assertThat(routeOn(config, "shop", "other.com", "/")).isNull();
  }

  @Test
  void choosesTheOnlyGatewayWithoutAName() throws ConfigException {
    assertThat(compile(gateway("infra", "solo", listener("web", 80, null))).gatewayName())
        .isEqualTo("infra/solo");
  }

  @Test
  void choosesAGatewayByNameOrByNamespaceAndName() throws ConfigException {
    PolicyBundle bundle = bundle(gateway("a", "first", listener("web", 80, null)),
        gateway("b", "second", listener("web", 81, null)),
        gateway("c", "second", listener("web", 82, null)));

    assertThat(compile(bundle, "first", null).gatewayName()).isEqualTo("a/first");
    assertThat(compile(bundle, "c/second", null).ports()).containsExactly(82);
  }

  @Test
  void severalGatewaysWithoutANameIsAnErrorListingThem() {
    PolicyBundle bundle = bundle(gateway("a", "first", listener("web", 80, null)),
        gateway("b", "second", listener("web", 81, null)));

    assertThatThrownBy(() -> compile(bundle, null, null))
        .isInstanceOf(ConfigException.class)
        .hasMessage("several Gateway resources ([a/first, b/second]); choose one with"
            + " --gateway-name");
  }

  @Test
  void unknownGatewayNameSaysWhatExists() {
    PolicyBundle bundle = bundle(gateway("a", "first", listener("web", 80, null)));

    assertThatThrownBy(() -> compile(bundle, "missing", null))
        .isInstanceOf(ConfigException.class)
        .hasMessage("--gateway-name: missing (expected: one of [a/first])");
  }

  @Test
  void noGatewayIsAnError() {
    assertThatThrownBy(() -> compile(bundle(service("svc")), null, null))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("no Gateway resource in the configuration");
  }

  @Test
  void recompilingReusesUnchangedEndpointsAndCreatesChangedOnes() throws ConfigException {
    Gateway gateway = gateway("shop", "edge", listener("web", 80, null));
    RoutingConfig first = compile(gateway,
        service("svc", endpoint("10.0.0.1", 80), endpoint("10.0.0.2", 80)),
        service("gone", endpoint("10.0.0.9", 80)));
    List<UpstreamEndpoint> before = first.backends().get("shop/svc").loadBalancer().endpoints();
    before.get(0).start();

    RoutingConfig second = compile(bundle(gateway,
        service("svc", endpoint("10.0.0.1", 80), endpoint("10.0.0.3", 80)),
        service("moved", endpoint("10.0.0.9", 80))), null, first);

    List<UpstreamEndpoint> after = new ArrayList<>(
        second.backends().get("shop/svc").loadBalancer().endpoints());
    assertThat(after).extracting(UpstreamEndpoint::key)
        .containsExactly("10.0.0.1:80", "10.0.0.3:80");
    assertThat(after.get(0)).isSameAs(before.get(0));
    assertThat(after.get(0).activeRequests()).isEqualTo(1);
    assertThat(after.get(1)).isNotSameAs(before.get(1));
    assertThat(second.backends().get("shop/moved").loadBalancer().endpoints().get(0))
        .as("same address under another service is a different endpoint")
        .isNotSameAs(first.backends().get("shop/gone").loadBalancer().endpoints().get(0));
  }

  @Test
  void serviceProtocolChoosesTheBackendProtocol() throws ConfigException {
    Service grpc = new Service("crossgate.dev/v1", ObjectMeta.of("shop", "grpc"),
        new Service.Spec(List.of(), null, "GRPC", null, null, null, null, null, null));
    Service h2 = new Service("crossgate.dev/v1", ObjectMeta.of("shop", "h2"),
        new Service.Spec(List.of(), null, "HTTP2", null, null, null, null, null, null));
    RoutingConfig config = compile(TWO_LISTENERS, service("svc"), grpc, h2, route("all"));

    assertThat(config.backends().get("shop/svc").protocol()).isEqualTo(BackendProtocol.HTTP1);
    assertThat(config.backends().get("shop/grpc").protocol()).isEqualTo(BackendProtocol.GRPC);
    assertThat(config.backends().get("shop/h2").protocol()).isEqualTo(BackendProtocol.HTTP2);
  }

  private static GrpcRoute.Rule grpcRule(String service, String method, String backend) {
    return new GrpcRoute.Rule(null,
        List.of(new GrpcRoute.Match(new GrpcRoute.MethodMatch(null, service, method), null)),
        null, List.of(new HttpRoute.BackendRef(backend, null, null, null)));
  }

  @Test
  void grpcRouteRulesShareTheRouteTableWithHttpRoutes() throws ConfigException {
    GrpcRoute grpc = new GrpcRoute("gateway.networking.k8s.io/v1", ObjectMeta.of("shop", "rpc"),
        new GrpcRoute.Spec(List.of(), List.of(), List.of(
            grpcRule("shop.Orders", null, "svc"),
            grpcRule("shop.Orders", "Get", "svc"),
            grpcRule(null, "Check", "svc"))));
    RoutingConfig config = compile(TWO_LISTENERS, service("svc"), grpc,
        route("web", List.of(), List.of(), "svc"));

    RouteTable<RouteRule> table = config.listeners().get("web").routes();
    assertThat(table.match(TestRequest.of("h", "/shop.Orders/Get")).target().ruleIndex())
        .isEqualTo(1);
    assertThat(table.match(TestRequest.of("h", "/shop.Orders/List")).target().ruleIndex())
        .isZero();
    assertThat(table.match(TestRequest.of("h", "/grpc.health.v1.Health/Check")).target()
        .ruleIndex()).isEqualTo(2);
    assertThat(routeOn(config, "web", "h", "/other")).isEqualTo("shop/web");
  }

  @Test
  void grpcPrecedenceRanksTheServiceBeforeTheMethodAsTheGatewayApiDoes() throws ConfigException {
    // Gateway API GRPCRouteRule: most characters in a matching service, then in a matching
    // method. A method-only match (service 0 characters) loses to a service-only match, whatever
    // the rule order, and a longer service expression wins over a shorter one.
    GrpcRoute grpc = new GrpcRoute("gateway.networking.k8s.io/v1", ObjectMeta.of("shop", "rpc"),
        new GrpcRoute.Spec(List.of(), List.of(), List.of(
            grpcRule(null, "Check", "svc"),
            grpcRule("shop.Orders", null, "svc"),
            new GrpcRoute.Rule(null, List.of(new GrpcRoute.Match(new GrpcRoute.MethodMatch(
                "RegularExpression", "shop\\.O.*", null), null)), null,
                List.of(new HttpRoute.BackendRef("svc", null, null, null))),
            new GrpcRoute.Rule(null, List.of(new GrpcRoute.Match(new GrpcRoute.MethodMatch(
                "RegularExpression", "shop\\.Orders", "Ch.*"), null)), null,
                List.of(new HttpRoute.BackendRef("svc", null, null, null))))));
    RoutingConfig config = compile(TWO_LISTENERS, service("svc"), grpc);

    RouteTable<RouteRule> table = config.listeners().get("web").routes();
    // "shop\\.Orders" (12) + "Ch.*" (4) beats "shop.Orders" (11) and "Check" alone (0 + 5)
    assertThat(table.match(TestRequest.of("h", "/shop.Orders/Check")).target().ruleIndex())
        .isEqualTo(3);
    // service-only "shop.Orders" (11) beats "shop\\.O.*" (9) and the method-only rule
    assertThat(table.match(TestRequest.of("h", "/shop.Orders/List")).target().ruleIndex())
        .isEqualTo(1);
    assertThat(table.match(TestRequest.of("h", "/shop.Ordering/Check")).target().ruleIndex())
        .isEqualTo(2);
    assertThat(table.match(TestRequest.of("h", "/other.Service/Check")).target().ruleIndex())
        .isZero();
  }

  private static HttpRoute prefixRoute(String name, String prefix, String service) {
    HttpRoute.Rule rule = new HttpRoute.Rule(null,
        List.of(new HttpRoute.Match(new HttpRoute.PathMatch("PathPrefix", prefix), List.of(),
            List.of(), null)),
        null, List.of(new HttpRoute.BackendRef(service, null, null, null)));
    return new HttpRoute("crossgate.dev/v1", ObjectMeta.of("shop", name),
        new HttpRoute.Spec(List.of(), List.of(), List.of(rule)));
  }

  private static final List<String> PATHS = List.of("/a/x", "/a", "/b/y", "/c/z", "/d/1",
      "/other", "/");

  @Test
  void aRouteOnlyChangeReusesUnchangedRoutesAndRoutesLikeAFullCompile() throws Exception {
    RoutingConfigCompiler incremental = new RoutingConfigCompiler(
        new UpstreamClient(vertx, UpstreamClient.Settings.defaults()), List.of());
    Gateway gateway = gateway("shop", "edge", listener("web", 8080, null));
    Service svc = service("svc", endpoint("10.0.0.1", 80));
    HttpRoute a = prefixRoute("a", "/a", "svc");
    HttpRoute b = prefixRoute("b", "/b", "svc");
    HttpRoute c = prefixRoute("c", "/c", "svc");
    RoutingConfig first = incremental.compile(bundle(gateway, svc, a, b, c), null, "t", "v1",
        "[]", null);
    // b changes its path, c goes, d and a catch-all come; a, the Gateway and the Service are
    // the same objects as before.
    PolicyBundle next = bundle(gateway, svc, a, prefixRoute("b", "/bb", "svc"),
        prefixRoute("d", "/d", "svc"), route("all"));
    RoutingConfig second = incremental.compile(next, null, "t", "v2", "[]", first);
    RoutingConfig full = compile(next, null, null);

    for (String path : PATHS) {
      assertThat(routeOn(second, "web", "h", path)).as(path)
          .isEqualTo(routeOn(full, "web", "h", path));
    }
    assertThat(routeOn(second, "web", "h", "/b/y")).isEqualTo("shop/all");
    assertThat(routeOn(second, "web", "h", "/d/1")).isEqualTo("shop/d");
    assertThat(second.listeners().get("web").routes().size())
        .isEqualTo(full.listeners().get("web").routes().size());
    RouteRule reused = second.listeners().get("web").routes().match(TestRequest.of("h", "/a"))
        .target();
    assertThat(reused).isSameAs(first.listeners().get("web").routes()
        .match(TestRequest.of("h", "/a")).target());
    assertThat(second.backends().get("shop/svc")).isSameAs(first.backends().get("shop/svc"));
    assertThat(reused.backends().items()).containsExactly(second.backends().get("shop/svc"));
  }

  @Test
  void aChangeToAnythingButRoutesCompilesEveryRouteAgain() throws Exception {
    RoutingConfigCompiler incremental = new RoutingConfigCompiler(
        new UpstreamClient(vertx, UpstreamClient.Settings.defaults()), List.of());
    Gateway gateway = gateway("shop", "edge", listener("web", 8080, null));
    HttpRoute a = prefixRoute("a", "/a", "svc");
    RoutingConfig first = incremental.compile(bundle(gateway,
        service("svc", endpoint("10.0.0.1", 80)), a), null, "t", "v1", "[]", null);
    RoutingConfig second = incremental.compile(bundle(gateway,
        service("svc", endpoint("10.0.0.2", 81)), a), null, "t", "v2", "[]", first);
    RouteRule rule = second.listeners().get("web").routes().match(TestRequest.of("h", "/a"))
        .target();
    assertThat(rule).isNotSameAs(first.listeners().get("web").routes()
        .match(TestRequest.of("h", "/a")).target());
    assertThat(rule.backends().items()).singleElement()
        .isSameAs(second.backends().get("shop/svc"))
        .satisfies(backend -> assertThat(backend.loadBalancer().endpoints())
            .extracting(UpstreamEndpoint::key).containsExactly("10.0.0.2:81"));
    // Not compiled from the configuration it last returned: nothing is reused either.
    RoutingConfig third = incremental.compile(bundle(gateway,
        service("svc", endpoint("10.0.0.2", 81)), a), null, "t", "v3", "[]", first);
    assertThat(third.listeners().get("web").routes().match(TestRequest.of("h", "/a")).target())
        .isNotSameAs(rule);
  }
}
