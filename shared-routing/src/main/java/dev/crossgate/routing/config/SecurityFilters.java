package dev.crossgate.routing.config;

import com.nimbusds.jose.jwk.JWKSet;
import dev.crossgate.policy.model.Gateway;
import dev.crossgate.policy.model.HttpRoute;
import dev.crossgate.policy.model.ObjectMeta;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.RequestAuthentication;
import dev.crossgate.policy.model.TargetRef;
import dev.crossgate.routing.authn.JwksCaches;
import dev.crossgate.routing.authn.JwtAuthnFilter;
import dev.crossgate.routing.authn.JwtProvider;
import dev.crossgate.routing.authn.KeySource;
import dev.crossgate.routing.authn.TokenLocation;
import dev.crossgate.routing.authz.AuthorizationCompiler;
import dev.crossgate.routing.authz.AuthorizationEngine;
import dev.crossgate.routing.authz.AuthzFilter;
import dev.crossgate.routing.authz.PolicyTarget;
import dev.crossgate.routing.filter.HttpFilter;
import dev.crossgate.routing.waf.WafPolicies;
import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The security filters of a snapshot: the WAF ({@code WafPolicy}), JWT authentication
 * ({@code RequestAuthentication}) and authorization ({@code AuthorizationPolicy}, {@code Role},
 * {@code RoleBinding}), compiled once and handed to each route rule by its {@link PolicyTarget},
 * in the order WAF, authentication, then authorization. A policy that targets only Services in
 * the mesh is left to their sidecars ({@link AuthorizationCompiler#engineAtGateway}).
 */
final class SecurityFilters {

  private record Authn(String namespace, List<TargetRef> targetRefs,
      List<JwtProvider> providers) {}

  private final List<Authn> authns = new ArrayList<>();
  private final AuthorizationCompiler authorization;
  private final Set<URI> jwksUris = new HashSet<>();
  private final WafPolicies.Compiled waf;

  SecurityFilters(PolicyBundle bundle, JwksCaches caches, WafPolicies.Compiled waf)
      throws ConfigException {
    this.waf = waf;
    for (RequestAuthentication resource : bundle.ofKind(RequestAuthentication.class)) {
      List<JwtProvider> providers = new ArrayList<>();
      for (RequestAuthentication.JwtRule rule : resource.spec().jwtRules()) {
        providers.add(provider(resource, rule, caches));
      }
      authns.add(new Authn(resource.metadata().namespace(), resource.spec().targetRefs(),
          providers));
    }
    try {
      authorization = new AuthorizationCompiler(bundle);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  /** The key-set URIs in use, so caches of others can be dropped. */
  Set<URI> jwksUris() {
    return jwksUris;
  }

  /** The filters for one route rule: WAF, authentication, authorization, each when configured. */
  List<HttpFilter> forTarget(PolicyTarget target) {
    List<JwtProvider> providers = new ArrayList<>();
    for (Authn authn : authns) {
      if (target.matchesAny(authn.targetRefs(), authn.namespace())) {
        providers.addAll(authn.providers());
      }
    }
    List<HttpFilter> filters = new ArrayList<>(waf.filtersFor(target));
    if (!providers.isEmpty()) {
      filters.add(new JwtAuthnFilter(providers));
    }
    AuthorizationEngine engine = authorization.engineAtGateway(target);
    if (!engine.isEmpty()) {
      filters.add(new AuthzFilter(engine));
    }
    return filters;
  }

  /** The filters of the rules of one route. */
  final class ForRoute {
    private final String kind;
    private final ObjectMeta metadata;
    private final String gateway;
    private final Set<String> listeners;

    private ForRoute(String kind, ObjectMeta metadata, String gateway, Set<String> listeners) {
      this.kind = kind;
      this.metadata = metadata;
      this.gateway = gateway;
      this.listeners = listeners;
    }

    /** The filters of one rule of the route, which sends to {@code backendRefs}. */
    List<HttpFilter> forRule(List<HttpRoute.BackendRef> backendRefs) {
      Set<String> services = new HashSet<>();
      for (HttpRoute.BackendRef ref : backendRefs) {
        services.add((ref.namespace() == null ? metadata.namespace() : ref.namespace()) + "/"
            + ref.name());
      }
      return forTarget(new PolicyTarget(kind, metadata.namespace(), metadata.name(), gateway,
          listeners, services));
    }
  }

  /** The filters of a route of {@code kind} attached to these listeners of {@code gateway}. */
  ForRoute forRoute(String kind, ObjectMeta metadata, Gateway gateway, Set<String> listeners) {
    return new ForRoute(kind, metadata, gateway.metadata().qualifiedName(), listeners);
  }

  private JwtProvider provider(RequestAuthentication resource, RequestAuthentication.JwtRule rule,
      JwksCaches caches) throws ConfigException {
    String where = "RequestAuthentication " + resource.metadata().qualifiedName() + " issuer "
        + rule.issuer();
    KeySource keys;
    if (rule.jwks() != null) {
      try {
        keys = KeySource.inline(JWKSet.parse(rule.jwks()).toPublicJWKSet());
      } catch (ParseException e) {
        throw new ConfigException(where + " jwks: " + e.getMessage()
            + " (expected a JSON Web Key Set)");
      }
    } else {
      URI uri = URI.create(rule.jwksUri());
      jwksUris.add(uri);
      keys = caches.forUri(uri);
    }
    List<TokenLocation> locations = new ArrayList<>();
    for (RequestAuthentication.HeaderLocation header : rule.fromHeaders()) {
      locations.add(TokenLocation.header(header.name().toLowerCase(Locale.ROOT),
          header.prefix()));
    }
    rule.fromParams().forEach(name -> locations.add(TokenLocation.query(name)));
    rule.fromCookies().forEach(name -> locations.add(TokenLocation.cookie(name)));
    List<JwtProvider.ClaimHeader> outputs = rule.outputClaimToHeaders().stream()
        .map(o -> new JwtProvider.ClaimHeader(o.header(), o.claim())).toList();
    Duration skew = rule.clockSkew() == null ? null
        : rule.clockSkew().duration();
    return new JwtProvider(rule.issuer(), rule.audiences(), locations, outputs,
        Boolean.TRUE.equals(rule.forwardOriginalToken()), rule.algorithms(), skew, keys);
  }
}
