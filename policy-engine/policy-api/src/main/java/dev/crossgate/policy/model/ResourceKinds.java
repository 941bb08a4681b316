package dev.crossgate.policy.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every resource kind: its YAML name, its record, and the API versions it accepts. */
public final class ResourceKinds {

  /** The API version every kind accepts. */
  public static final String CROSSGATE_V1ALPHA1 = "crossgate.dev/v1alpha1";

  /** Kind name → record, in the order of the policy reference. */
  public static final Map<String, Class<? extends Resource>> ALL;

  private static final Map<String, List<String>> API_VERSIONS;

  static {
    Map<String, Class<? extends Resource>> kinds = new LinkedHashMap<>();
    kinds.put(Gateway.KIND, Gateway.class);
    kinds.put(HttpRoute.KIND, HttpRoute.class);
    kinds.put(GrpcRoute.KIND, GrpcRoute.class);
    kinds.put(TcpRoute.KIND, TcpRoute.class);
    kinds.put(Service.KIND, Service.class);
    kinds.put(RequestAuthentication.KIND, RequestAuthentication.class);
    kinds.put(Role.KIND, Role.class);
    kinds.put(RoleBinding.KIND, RoleBinding.class);
    kinds.put(AuthorizationPolicy.KIND, AuthorizationPolicy.class);
    kinds.put(RateLimitPolicy.KIND, RateLimitPolicy.class);
    kinds.put(WafPolicy.KIND, WafPolicy.class);
    kinds.put(MeshMigration.KIND, MeshMigration.class);
    ALL = java.util.Collections.unmodifiableMap(kinds);

    List<String> gatewayApi =
        List.of(CROSSGATE_V1ALPHA1, "gateway.networking.k8s.io/v1", "gateway.networking.k8s.io/v1beta1");
    Map<String, List<String>> versions = new LinkedHashMap<>();
    for (String kind : kinds.keySet()) {
      versions.put(kind, List.of(CROSSGATE_V1ALPHA1));
    }
    versions.put(Gateway.KIND, gatewayApi);
    versions.put(HttpRoute.KIND, gatewayApi);
    versions.put(GrpcRoute.KIND, List.of(CROSSGATE_V1ALPHA1, "gateway.networking.k8s.io/v1"));
    versions.put(TcpRoute.KIND, List.of(CROSSGATE_V1ALPHA1, "gateway.networking.k8s.io/v1alpha2"));
    API_VERSIONS = java.util.Collections.unmodifiableMap(versions);
  }

  private ResourceKinds() {}

  /** The record of a kind, if known. */
  public static Optional<Class<? extends Resource>> recordOf(String kind) {
    return Optional.ofNullable(ALL.get(kind));
  }

  /** The API versions a kind accepts; empty for unknown kinds. */
  public static List<String> apiVersionsOf(String kind) {
    return API_VERSIONS.getOrDefault(kind, List.of());
  }
}
