package dev.crossgate.routing.config;

import dev.crossgate.policy.model.Gateway;
import dev.crossgate.policy.model.GrpcRoute;
import dev.crossgate.policy.model.HttpRoute;
import dev.crossgate.policy.model.ObjectMeta;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.Service;
import dev.crossgate.policy.model.TcpRoute;
import dev.crossgate.routing.authn.JwksCaches;
import dev.crossgate.routing.filter.FilterChain;
import dev.crossgate.routing.filter.HttpFilter;
import dev.crossgate.routing.filter.headers.HeaderEdits;
import dev.crossgate.routing.grpc.GrpcMethodPaths;
import dev.crossgate.routing.filter.headers.RequestHeaderModifierFilter;
import dev.crossgate.routing.filter.headers.ResponseHeaderModifierFilter;
import dev.crossgate.routing.filter.mirror.RequestMirrorFilter;
import dev.crossgate.routing.filter.redirect.RequestRedirectFilter;
import dev.crossgate.routing.filter.rewrite.PathModifier;
import dev.crossgate.routing.filter.rewrite.UrlRewriteFilter;
import dev.crossgate.routing.lb.LoadBalancer;
import dev.crossgate.routing.lb.LoadBalancers;
import dev.crossgate.routing.resilience.BackendResilience;
import dev.crossgate.routing.resilience.RouteResilience;
import dev.crossgate.routing.lb.UpstreamEndpoint;
import dev.crossgate.routing.lb.WeightedChoice;
import dev.crossgate.routing.ratelimit.RateLimitPolicies;
import dev.crossgate.routing.waf.WafPolicies;
import dev.crossgate.routing.route.RouteEntry;
import dev.crossgate.routing.route.RouteTable;
import dev.crossgate.routing.upstream.Backend;
import dev.crossgate.routing.upstream.BackendProtocol;
import dev.crossgate.routing.upstream.UpstreamClient;
import dev.crossgate.routing.tls.ListenerTls;
import dev.crossgate.routing.tls.TlsMaterialException;
import dev.crossgate.routing.tls.UpstreamTls;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.HashSet;

/**
 * Compiles a validated {@link PolicyBundle} into the {@link RoutingConfig} one gateway serves:
 * picks the Gateway resource, attaches HTTPRoutes and GRPCRoutes (as the path matches their
 * calls carry) to its listeners, builds filter chains and backends.
 * Endpoints keep their live statistics across recompiles when they are unchanged.
 */
public final class RoutingConfigCompiler {

  private final UpstreamClient client;
  private final List<HttpFilter> edgeFilters;
  private final RateLimitPolicies rateLimits;
  private final JwksCaches jwksCaches;
  private final WafPolicies wafPolicies;
  /** The last compile's routes, reused by the next compile when nothing else changed. */
  private final java.util.concurrent.atomic.AtomicReference<Reuse> last =
      new java.util.concurrent.atomic.AtomicReference<>();

  /**
   * What one compile produced per route, to reuse for the same route objects (a data plane binds
   * unchanged resources to the same objects) when every other resource is also the same object:
   * a route's compiled rules and entries depend only on itself and those.
   */
  private record Reuse(RoutingConfig config, String gatewayName, List<dev.crossgate.policy.model.Resource> context,
      Map<Object, Map<String, List<RouteEntry<RouteRule>>>> routes) {

    boolean covers(RoutingConfig previous, String gatewayName,
        List<dev.crossgate.policy.model.Resource> context) {
      if (previous == null || previous != config || !Objects.equals(gatewayName, this.gatewayName)
          || context.size() != this.context.size()) {
        return false;
      }
      for (int i = 0; i < context.size(); i++) {
        if (context.get(i) != this.context.get(i)) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * A compiler.
   *
   * @param client the upstream client, used by mirror filters
   * @param edgeFilters filters that run before every rule's own filters
   */
  public RoutingConfigCompiler(UpstreamClient client, List<HttpFilter> edgeFilters) {
    this(client, edgeFilters, RateLimitPolicies.defaults());
  }

  /**
   * A compiler keeping rate-limit buckets in {@code rateLimits} across compiles.
   *
   * @param rateLimits compiles RateLimitPolicies into filters placed after the edge filters
   */
  public RoutingConfigCompiler(UpstreamClient client, List<HttpFilter> edgeFilters,
      RateLimitPolicies rateLimits) {
    this(client, edgeFilters, rateLimits, WafPolicies.defaults());
  }

  /**
   * A compiler keeping rate-limit buckets and compiled WAF rule sets across compiles.
   *
   * @param wafPolicies compiles WafPolicies into filters placed after the edge filters, before
   *     authentication; keeps compiled rule sets so reloads do not parse them again
   */
  public RoutingConfigCompiler(UpstreamClient client, List<HttpFilter> edgeFilters,
      RateLimitPolicies rateLimits, WafPolicies wafPolicies) {
    this.client = Objects.requireNonNull(client, "client");
    this.edgeFilters = List.copyOf(edgeFilters);
    this.rateLimits = Objects.requireNonNull(rateLimits, "rateLimits");
    this.wafPolicies = Objects.requireNonNull(wafPolicies, "wafPolicies");
    this.jwksCaches = new JwksCaches(client.vertx());
  }

  /**
   * Compiles a bundle. When {@code previous} is what this compiler last returned and only routes
   * changed (every other resource is the same object as then), routes that are the same objects
   * as then keep their compiled rules and entries, and the backends stay; the result is the
   * same routing as a full compile.
   *
   * @param bundle a bundle that passed validation
   * @param gatewayName {@code name} or {@code namespace/name} of the Gateway to serve; null picks
   *     the only one
   * @param source where the bundle came from, for {@code /config_dump}
   * @param version the version identifier
   * @param resourcesJson the resources as JSON
   * @param previous the configuration being replaced, or null
   * @throws ConfigException when the Gateway to serve cannot be chosen
   */
  public RoutingConfig compile(PolicyBundle bundle, String gatewayName, String source,
      String version, String resourcesJson, RoutingConfig previous) throws ConfigException {
    Gateway gateway = chooseGateway(bundle.ofKind(Gateway.class), gatewayName);
    List<dev.crossgate.policy.model.Resource> context = bundle.resources().stream()
        .filter(r -> !(r instanceof HttpRoute) && !(r instanceof GrpcRoute)).toList();
    Reuse reuse = last.get();
    if (reuse != null && !reuse.covers(previous, gatewayName, context)) {
      reuse = null;
    }
    Map<Object, Map<String, List<RouteEntry<RouteRule>>>> compiledRoutes =
        new java.util.IdentityHashMap<>();
    // Reused routes point at the previous backends, so those stay too (nothing they depend on
    // changed).
    Map<String, Backend> backends = reuse != null ? previous.backends()
        : compileBackends(bundle, previous);
    RateLimitPolicies.Compiled limits = rateLimits.compile(bundle, gateway);
    SecurityFilters security = new SecurityFilters(bundle, jwksCaches,
        wafPolicies.compile(bundle));
    Map<String, List<RouteEntry<RouteRule>>> entriesByListener = new LinkedHashMap<>();
    for (Gateway.Listener listener : gateway.spec().listeners()) {
      entriesByListener.put(listener.name(), new ArrayList<>());
    }
    for (HttpRoute route : bundle.ofKind(HttpRoute.class)) {
      if (reused(reuse, route, compiledRoutes, entriesByListener)) {
        continue;
      }
      Map<String, List<RouteEntry<RouteRule>>> own = ownEntries(entriesByListener);
      List<RouteRule> rules = compileRules(route, backends, limits, gateway,
          security.forRoute(HttpRoute.KIND, route.metadata(), gateway, attachedListeners(gateway,
              route.metadata(), route.spec().parentRefs(), route.spec().hostnames())));
      List<List<HttpRoute.Match>> matches = route.spec().rules().stream()
          .map(HttpRoute.Rule::matches).toList();
      attach(gateway, route.metadata(), route.spec().parentRefs(), route.spec().hostnames(),
          matches, null, rules, own);
      keep(route, own, compiledRoutes, entriesByListener);
    }
    for (GrpcRoute route : bundle.ofKind(GrpcRoute.class)) {
      if (reused(reuse, route, compiledRoutes, entriesByListener)) {
        continue;
      }
      Map<String, List<RouteEntry<RouteRule>>> own = ownEntries(entriesByListener);
      List<RouteRule> rules = compileRules(route, backends, limits, gateway,
          security.forRoute(GrpcRoute.KIND, route.metadata(), gateway, attachedListeners(gateway,
              route.metadata(), route.spec().parentRefs(), route.spec().hostnames())));
      List<List<HttpRoute.Match>> matches = route.spec().rules().stream()
          .map(rule -> rule.matches().stream().map(RoutingConfigCompiler::httpMatch).toList())
          .toList();
      List<List<RouteEntry.GrpcRank>> ranks = route.spec().rules().stream()
          .map(rule -> rule.matches().stream()
              .map(match -> GrpcMethodPaths.rank(match.method())).toList())
          .toList();
      attach(gateway, route.metadata(), route.spec().parentRefs(), route.spec().hostnames(),
          matches, ranks, rules, own);
      keep(route, own, compiledRoutes, entriesByListener);
    }
    Map<String, Listener> listeners = new LinkedHashMap<>();
    for (Gateway.Listener listener : gateway.spec().listeners()) {
      String protocol = listener.protocol() == null ? "HTTP" : listener.protocol();
      listeners.put(listener.name(), new Listener(listener.name(), listener.port(), protocol,
          RouteTable.build(entriesByListener.get(listener.name())),
          Listener.TCP.equals(protocol) ? tcpBackends(bundle, gateway, listener, backends)
              : null, listenerTls(gateway, listener), listener.httpsRedirect()));
    }
    jwksCaches.retainOnly(security.jwksUris());
    RoutingConfig config = new RoutingConfig(version, source, Instant.now(),
        gateway.metadata().qualifiedName(), listeners, backends, resourcesJson);
    last.set(new Reuse(config, gatewayName, context, compiledRoutes));
    return config;
  }

  /** Adds the entries {@code route} compiled to last time, if they can be reused. */
  private static boolean reused(Reuse reuse, Object route,
      Map<Object, Map<String, List<RouteEntry<RouteRule>>>> compiledRoutes,
      Map<String, List<RouteEntry<RouteRule>>> entriesByListener) {
    Map<String, List<RouteEntry<RouteRule>>> cached = reuse == null ? null
        : reuse.routes().get(route);
    if (cached == null) {
      return false;
    }
    keep(route, cached, compiledRoutes, entriesByListener);
    return true;
  }

  /** A route's own entries, by listener, before they join every route's. */
  private static Map<String, List<RouteEntry<RouteRule>>> ownEntries(
      Map<String, List<RouteEntry<RouteRule>>> entriesByListener) {
    Map<String, List<RouteEntry<RouteRule>>> own = new LinkedHashMap<>();
    entriesByListener.keySet().forEach(name -> own.put(name, new ArrayList<>()));
    return own;
  }

  private static void keep(Object route, Map<String, List<RouteEntry<RouteRule>>> own,
      Map<Object, Map<String, List<RouteEntry<RouteRule>>>> compiledRoutes,
      Map<String, List<RouteEntry<RouteRule>>> entriesByListener) {
    compiledRoutes.put(route, own);
    own.forEach((name, entries) -> entriesByListener.get(name).addAll(entries));
  }

  private static Gateway chooseGateway(List<Gateway> gateways, String wanted)
      throws ConfigException {
    if (wanted == null) {
      if (gateways.size() == 1) {
        return gateways.get(0);
      }
      if (gateways.isEmpty()) {
        throw new ConfigException("no Gateway resource in the configuration (expected: exactly"
            + " one, or name one with --gateway-name)");
      }
      throw new ConfigException("several Gateway resources (" + names(gateways)
          + "); choose one with --gateway-name");
    }
    for (Gateway gateway : gateways) {
      if (wanted.equals(gateway.metadata().name())
          || wanted.equals(gateway.metadata().qualifiedName())) {
        return gateway;
      }
    }
    throw new ConfigException("--gateway-name: " + wanted + " (expected: one of "
        + names(gateways) + ")");
  }

  private static String names(List<Gateway> gateways) {
    return gateways.stream().map(g -> g.metadata().qualifiedName()).toList().toString();
  }

  private Map<String, Backend> compileBackends(PolicyBundle bundle, RoutingConfig previous)
      throws ConfigException {
    Map<String, UpstreamEndpoint> reusable = new HashMap<>();
    if (previous != null) {
      previous.backends().forEach((name, backend) -> backend.loadBalancer().endpoints()
          .forEach(e -> reusable.put(name + "|" + e.key(), e)));
    }
    Map<String, Backend> backends = new LinkedHashMap<>();
    for (Service service : bundle.ofKind(Service.class)) {
      String name = service.metadata().qualifiedName();
      List<UpstreamEndpoint> endpoints = new ArrayList<>();
      for (Service.Endpoint endpoint : service.spec().endpoints()) {
        UpstreamEndpoint fresh = UpstreamEndpoint.of(endpoint.address(), endpoint.port());
        endpoints.add(reusable.getOrDefault(name + "|" + fresh.key(), fresh));
      }
      LoadBalancer balancer = LoadBalancers.create(service.spec().loadBalancer(), endpoints);
      Backend old = previous == null ? null : previous.backends().get(name);
      BackendProtocol protocol = backendProtocol(service);
      backends.put(name, new Backend(name, balancer, protocol,
          BackendResilience.of(name, balancer, service.spec(),
              old == null ? null : old.resilience()), upstreamTls(service, protocol)));
    }
    return backends;
  }

  /**
   * An HTTPS listener's certificates, read now (blocking); null for other listeners. Relative
   * file paths are resolved against the working directory.
   *
   * @throws ConfigException naming the listener, certificate and file that cannot be used
   */
  private static ListenerTls listenerTls(Gateway gateway, Gateway.Listener listener)
      throws ConfigException {
    if (listener.tls() == null) {
      return null;
    }
    try {
      return ListenerTls.load(listener.tls(), Path.of("").toAbsolutePath());
    } catch (TlsMaterialException e) {
      throw new ConfigException("Gateway " + gateway.metadata().qualifiedName() + " listener "
          + listener.name() + ": " + e.getMessage());
    }
  }

  /** A Service's upstream TLS, read now (blocking); null for plaintext Services. */
  private static UpstreamTls upstreamTls(Service service, BackendProtocol protocol)
      throws ConfigException {
    if (service.spec().tls() == null) {
      return null;
    }
    try {
      return UpstreamTls.load(service.spec().tls(), Path.of("").toAbsolutePath(),
          protocol.http2());
    } catch (TlsMaterialException e) {
      throw new ConfigException("Service " + service.metadata().qualifiedName() + " spec.tls: "
          + e.getMessage());
    }
  }

  /**
   * The protocol Crossgate speaks to a Service's endpoints: {@code Service.spec.protocol}
   * ({@code HTTP} when omitted, {@code HTTP2}, {@code GRPC} or {@code TCP}).
   *
   * @throws ConfigException for a protocol name that is not known
   */
  static BackendProtocol backendProtocol(Service service) throws ConfigException {
    String value = service.spec().protocol();
    try {
      return BackendProtocol.parse(value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("Service " + service.metadata().qualifiedName()
          + " spec.protocol: " + value + " (expected: one of HTTP, HTTP2, GRPC, TCP)");
    }
  }

  private List<RouteRule> compileRules(HttpRoute route, Map<String, Backend> backends,
      RateLimitPolicies.Compiled limits, Gateway gateway, SecurityFilters.ForRoute security) {
    List<RouteRule> rules = new ArrayList<>();
    List<HttpRoute.Rule> specRules = route.spec().rules();
    for (int i = 0; i < specRules.size(); i++) {
      HttpRoute.Rule rule = specRules.get(i);
      rules.add(compileRule(route.metadata(), i, rule.filters(), rule.backendRefs(),
          RouteResilience.of(rule), backends, rateLimit(limits, "HTTPRoute", route.metadata(),
              route.spec().parentRefs(), rule.backendRefs(), gateway), security));
    }
    return rules;
  }

  private List<RouteRule> compileRules(GrpcRoute route, Map<String, Backend> backends,
      RateLimitPolicies.Compiled limits, Gateway gateway, SecurityFilters.ForRoute security) {
    List<RouteRule> rules = new ArrayList<>();
    List<GrpcRoute.Rule> specRules = route.spec().rules();
    for (int i = 0; i < specRules.size(); i++) {
      GrpcRoute.Rule rule = specRules.get(i);
      rules.add(compileRule(route.metadata(), i, rule.filters(), rule.backendRefs(),
          RouteResilience.NONE, backends, rateLimit(limits, "GRPCRoute", route.metadata(),
              route.spec().parentRefs(), rule.backendRefs(), gateway), security));
    }
    return rules;
  }

  /** The rate-limit filter of one rule, or null when no RateLimitPolicy targets it. */
  private static HttpFilter rateLimit(RateLimitPolicies.Compiled limits, String kind,
      ObjectMeta metadata, List<HttpRoute.ParentRef> parentRefs,
      List<HttpRoute.BackendRef> backendRefs, Gateway gateway) {
    List<String> backends = backendRefs.stream()
        .map(ref -> qualified(ref.namespace(), metadata.namespace(), ref.name())).toList();
    return limits.filterFor(kind, metadata, listenerName -> gateway.spec().listeners().stream()
        .anyMatch(listener -> listener.name().equals(listenerName)
            && attaches(parentRefs, metadata, gateway, listener)), backends);
  }

  private RouteRule compileRule(ObjectMeta metadata, int index, List<HttpRoute.Filter> specFilters,
      List<HttpRoute.BackendRef> backendRefs, RouteResilience resilience,
      Map<String, Backend> backends, HttpFilter rateLimit, SecurityFilters.ForRoute security) {
    String namespace = metadata.namespace();
    List<HttpFilter> filters = new ArrayList<>(edgeFilters);
    filters.addAll(security.forRule(backendRefs)); // WAF, then JWT authn, then authz
    if (rateLimit != null) {
      filters.add(rateLimit); // after authentication and authorization, before rewrites
    }
    for (HttpRoute.Filter filter : specFilters) {
      filters.add(compileFilter(filter, namespace, backends));
    }
    WeightedChoice<Backend> targets = weighted(backendRefs, namespace, backends);
    return new RouteRule(metadata.qualifiedName(), index, FilterChain.of(filters), targets,
        resilience);
  }

  /** The backends of {@code refs} with their weights (1 when omitted); null when none. */
  private static WeightedChoice<Backend> weighted(List<HttpRoute.BackendRef> refs,
      String namespace, Map<String, Backend> backends) {
    List<Backend> targets = new ArrayList<>();
    List<Integer> weights = new ArrayList<>();
    for (HttpRoute.BackendRef ref : refs) {
      targets.add(backends.get(qualified(ref.namespace(), namespace, ref.name())));
      weights.add(ref.weight() == null ? 1 : ref.weight());
    }
    return targets.isEmpty() ? null : WeightedChoice.of(targets, weights);
  }

  /**
   * A GRPCRoute match as the HTTPRoute match its calls satisfy: the method becomes a path
   * ({@link GrpcMethodPaths}), headers stay headers.
   */
  private static HttpRoute.Match httpMatch(GrpcRoute.Match match) {
    return new HttpRoute.Match(GrpcMethodPaths.of(match.method()), match.headers(), List.of(),
        null);
  }

  private HttpFilter compileFilter(HttpRoute.Filter filter, String namespace,
      Map<String, Backend> backends) {
    return switch (filter.type()) {
      case "RequestHeaderModifier" ->
          new RequestHeaderModifierFilter(HeaderEdits.of(filter.requestHeaderModifier()));
      case "ResponseHeaderModifier" ->
          new ResponseHeaderModifierFilter(HeaderEdits.of(filter.responseHeaderModifier()));
      case "URLRewrite" -> new UrlRewriteFilter(filter.urlRewrite().hostname(),
          filter.urlRewrite().path() == null ? null : PathModifier.of(filter.urlRewrite().path()));
      case "RequestRedirect" -> new RequestRedirectFilter(filter.requestRedirect());
      case "CORS" -> new dev.crossgate.routing.filter.cors.CorsFilter(filter.cors());
      case "SecurityHeaders" -> new dev.crossgate.routing.filter.security.SecurityHeadersFilter(
          filter.securityHeaders());
      case "RequestMirror" -> {
        HttpRoute.BackendRef ref = filter.requestMirror().backendRef();
        Integer percent = filter.requestMirror().percent();
        yield new RequestMirrorFilter(backends.get(qualified(ref.namespace(), namespace,
            ref.name())), percent == null ? 100 : percent, client);
      }
      default -> throw new IllegalArgumentException("filter type: " + filter.type()
          + " (expected: a type the validator accepts)");
    };
  }

  private static String qualified(String refNamespace, String ownNamespace, String name) {
    return (refNamespace == null ? ownNamespace : refNamespace) + "/" + name;
  }

  /**
   * The backends of the first rule of the first TCPRoute (by age, then name) attached to a TCP
   * listener, or null when none attaches.
   */
  private static WeightedChoice<Backend> tcpBackends(PolicyBundle bundle, Gateway gateway,
      Gateway.Listener listener, Map<String, Backend> backends) {
    return bundle.ofKind(TcpRoute.class).stream()
        .filter(route -> attaches(route.spec().parentRefs(), route.metadata(), gateway, listener))
        .filter(route -> !route.spec().rules().isEmpty())
        .sorted(Comparator.comparing((TcpRoute route) -> route.metadata().creationTimestamp(),
                Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(route -> route.metadata().qualifiedName()))
        .findFirst()
        .map(route -> weighted(route.spec().rules().get(0).backendRefs(),
            route.metadata().namespace(), backends))
        .orElse(null);
  }

  /**
   * Adds one route's entries to every listener of {@code gateway} it attaches to, for the
   * hostnames it shares with the listener.
   */
  private static void attach(Gateway gateway, ObjectMeta metadata,
      List<HttpRoute.ParentRef> parentRefs, List<String> routeHostnames,
      List<List<HttpRoute.Match>> matchesByRule, List<List<RouteEntry.GrpcRank>> ranksByRule,
      List<RouteRule> rules, Map<String, List<RouteEntry<RouteRule>>> entriesByListener) {
    for (Gateway.Listener listener : gateway.spec().listeners()) {
      if (Listener.TCP.equals(listener.protocol())
          || !attaches(parentRefs, metadata, gateway, listener)) {
        continue;
      }
      List<String> hostnames = HostnameIntersection.of(listener.hostname(), routeHostnames);
      if (hostnames == null) {
        continue;
      }
      addEntries(entriesByListener.get(listener.name()), metadata, hostnames, matchesByRule,
          ranksByRule, rules);
    }
  }

  /** The names of the listeners of {@code gateway} a route attaches to (as {@link #attach}). */
  private static Set<String> attachedListeners(Gateway gateway, ObjectMeta metadata,
      List<HttpRoute.ParentRef> parentRefs, List<String> routeHostnames) {
    Set<String> names = new HashSet<>();
    for (Gateway.Listener listener : gateway.spec().listeners()) {
      if (!Listener.TCP.equals(listener.protocol())
          && attaches(parentRefs, metadata, gateway, listener)
          && HostnameIntersection.of(listener.hostname(), routeHostnames) != null) {
        names.add(listener.name());
      }
    }
    return names;
  }

  private static boolean attaches(List<HttpRoute.ParentRef> parentRefs, ObjectMeta metadata,
      Gateway gateway, Gateway.Listener listener) {
    if (parentRefs.isEmpty()) {
      return true;
    }
    for (HttpRoute.ParentRef ref : parentRefs) {
      String namespace = ref.namespace() == null ? metadata.namespace() : ref.namespace();
      if (!ref.service() && ref.name().equals(gateway.metadata().name())
          && namespace.equals(gateway.metadata().namespace())
          && (ref.sectionName() == null || ref.sectionName().equals(listener.name()))) {
        return true;
      }
    }
    return false;
  }

  private static void addEntries(List<RouteEntry<RouteRule>> entries, ObjectMeta metadata,
      List<String> hostnames, List<List<HttpRoute.Match>> matchesByRule,
      List<List<RouteEntry.GrpcRank>> ranksByRule, List<RouteRule> rules) {
    for (int i = 0; i < matchesByRule.size(); i++) {
      List<HttpRoute.Match> matches = matchesByRule.get(i);
      if (matches.isEmpty()) {
        matches = List.of(new HttpRoute.Match(new HttpRoute.PathMatch("PathPrefix", "/"),
            List.of(), List.of(), null));
      }
      for (int m = 0; m < matches.size(); m++) {
        RouteEntry.GrpcRank rank = ranksByRule == null || ranksByRule.get(i).isEmpty()
            ? RouteEntry.GrpcRank.NONE : ranksByRule.get(i).get(m);
        entries.add(new RouteEntry<>(hostnames, matches.get(m), metadata.creationTimestamp(),
            metadata.namespace(), metadata.name(), i, m, rules.get(i), rank));
      }
    }
  }
}
