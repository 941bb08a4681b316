package dev.crossgate.routing.config;

import dev.crossgate.policy.model.Gateway;
import dev.crossgate.policy.model.HttpRoute;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.Service;
import dev.crossgate.routing.filter.FilterChain;
import dev.crossgate.routing.filter.HttpFilter;
import dev.crossgate.routing.filter.headers.HeaderEdits;
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
import dev.crossgate.routing.route.RouteEntry;
import dev.crossgate.routing.route.RouteTable;
import dev.crossgate.routing.upstream.Backend;
import dev.crossgate.routing.upstream.BackendProtocol;
import dev.crossgate.routing.upstream.UpstreamClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compiles a validated {@link PolicyBundle} into the {@link RoutingConfig} one gateway serves:
 * picks the Gateway resource, attaches routes to its listeners, builds filter chains and backends.
 * Endpoints keep their live statistics across recompiles when they are unchanged.
 */
public final class RoutingConfigCompiler {

  private final UpstreamClient client;
  private final List<HttpFilter> edgeFilters;

  /**
   * A compiler.
   *
   * @param client the upstream client, used by mirror filters
   * @param edgeFilters filters that run before every rule's own filters
   */
  public RoutingConfigCompiler(UpstreamClient client, List<HttpFilter> edgeFilters) {
    this.client = Objects.requireNonNull(client, "client");
    this.edgeFilters = List.copyOf(edgeFilters);
  }

  /**
   * Compiles a bundle.
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
    Map<String, Backend> backends = compileBackends(bundle, previous);
    Map<String, List<RouteEntry<RouteRule>>> entriesByListener = new LinkedHashMap<>();
    for (Gateway.Listener listener : gateway.spec().listeners()) {
      entriesByListener.put(listener.name(), new ArrayList<>());
    }
    for (HttpRoute route : bundle.ofKind(HttpRoute.class)) {
      List<RouteRule> rules = compileRules(route, backends);
      for (Gateway.Listener listener : gateway.spec().listeners()) {
        if (!attaches(route, gateway, listener)) {
          continue;
        }
        List<String> hostnames = HostnameIntersection.of(listener.hostname(),
            route.spec().hostnames());
        if (hostnames == null) {
          continue;
        }
        addEntries(entriesByListener.get(listener.name()), route, hostnames, rules);
      }
    }
    Map<String, Listener> listeners = new LinkedHashMap<>();
    for (Gateway.Listener listener : gateway.spec().listeners()) {
      listeners.put(listener.name(), new Listener(listener.name(), listener.port(),
          RouteTable.build(entriesByListener.get(listener.name()))));
    }
    return new RoutingConfig(version, source, Instant.now(),
        gateway.metadata().qualifiedName(), listeners, backends, resourcesJson);
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
      backends.put(name, new Backend(name, balancer, backendProtocol(service),
          BackendResilience.of(name, balancer, service.spec(),
              old == null ? null : old.resilience())));
    }
    return backends;
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

  private List<RouteRule> compileRules(HttpRoute route, Map<String, Backend> backends) {
    String routeName = route.metadata().qualifiedName();
    String namespace = route.metadata().namespace();
    List<RouteRule> rules = new ArrayList<>();
    List<HttpRoute.Rule> specRules = route.spec().rules();
    for (int i = 0; i < specRules.size(); i++) {
      HttpRoute.Rule rule = specRules.get(i);
      List<HttpFilter> filters = new ArrayList<>(edgeFilters);
      for (HttpRoute.Filter filter : rule.filters()) {
        filters.add(compileFilter(filter, namespace, backends));
      }
      List<Backend> targets = new ArrayList<>();
      List<Integer> weights = new ArrayList<>();
      for (HttpRoute.BackendRef ref : rule.backendRefs()) {
        targets.add(backends.get(qualified(ref.namespace(), namespace, ref.name())));
        weights.add(ref.weight() == null ? 1 : ref.weight());
      }
      rules.add(new RouteRule(routeName, i, FilterChain.of(filters),
          targets.isEmpty() ? null : WeightedChoice.of(targets, weights),
          RouteResilience.of(rule)));
    }
    return rules;
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

  private static boolean attaches(HttpRoute route, Gateway gateway, Gateway.Listener listener) {
    if (route.spec().parentRefs().isEmpty()) {
      return true;
    }
    for (HttpRoute.ParentRef ref : route.spec().parentRefs()) {
      String namespace = ref.namespace() == null ? route.metadata().namespace() : ref.namespace();
      if (ref.name().equals(gateway.metadata().name())
          && namespace.equals(gateway.metadata().namespace())
          && (ref.sectionName() == null || ref.sectionName().equals(listener.name()))) {
        return true;
      }
    }
    return false;
  }

  private static void addEntries(List<RouteEntry<RouteRule>> entries, HttpRoute route,
      List<String> hostnames, List<RouteRule> rules) {
    List<HttpRoute.Rule> specRules = route.spec().rules();
    for (int i = 0; i < specRules.size(); i++) {
      List<HttpRoute.Match> matches = specRules.get(i).matches();
      if (matches.isEmpty()) {
        matches = List.of(new HttpRoute.Match(new HttpRoute.PathMatch("PathPrefix", "/"),
            List.of(), List.of(), null));
      }
      for (int m = 0; m < matches.size(); m++) {
        entries.add(new RouteEntry<>(hostnames, matches.get(m),
            route.metadata().creationTimestamp(), route.metadata().namespace(),
            route.metadata().name(), i, m, rules.get(i)));
      }
    }
  }
}
