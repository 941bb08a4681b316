package dev.crossgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Kind names and aliases {@code get} and {@code delete} accept. */
class ResourceKindNamesTest {

  @ParameterizedTest
  @CsvSource({"routes,HTTPRoute", "httproute,HTTPRoute", "HTTPRoutes,HTTPRoute",
      "svc,Service", "services,Service", "gw,Gateway", "gateways,Gateway",
      "grpcroutes,GRPCRoute", "authz,AuthorizationPolicy",
      "authorizationpolicies,AuthorizationPolicy", "ratelimits,RateLimitPolicy",
      "wafs,WafPolicy", "migrations,MeshMigration", "roles,Role", "rolebindings,RoleBinding",
      "requestauthentications,RequestAuthentication", "jwt,RequestAuthentication",
      "tcproutes,TCPRoute"})
  void resolvesAliasesCaseInsensitively(String typed, String kind) {
    assertThat(ResourceKindNames.resolve(typed)).contains(kind);
    assertThat(ResourceKindNames.resolve(typed.toUpperCase())).contains(kind);
  }

  @ParameterizedTest
  @CsvSource({"widgets", "route s", "''"})
  void unknownNamesResolveToNothing(String typed) {
    assertThat(ResourceKindNames.resolve(typed)).isEmpty();
  }
}
