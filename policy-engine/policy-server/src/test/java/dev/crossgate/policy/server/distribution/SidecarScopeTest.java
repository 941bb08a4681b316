package dev.crossgate.policy.server.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.distribution.v1.Hello;
import dev.crossgate.policy.distribution.v1.NodeRole;
import dev.crossgate.policy.model.PolicyBundle;
import org.junit.jupiter.api.Test;

/**
 * A sidecar's snapshot carries what its inbound needs: its service's MeshMigration and the
 * AuthorizationPolicies, Roles and RoleBindings that target it — and nothing of other namespaces.
 */
class SidecarScopeTest {

  static final String ALL = """
      apiVersion: crossgate.dev/v1alpha1
      kind: Service
      metadata: {name: b, namespace: shop}
      spec: {endpoints: [{address: 127.0.0.1, port: 1}]}
      ---
      apiVersion: crossgate.dev/v1alpha1
      kind: Service
      metadata: {name: x, namespace: other}
      spec: {endpoints: [{address: 127.0.0.1, port: 2}]}
      ---
      apiVersion: crossgate.dev/v1alpha1
      kind: MeshMigration
      metadata: {name: b, namespace: shop}
      spec: {service: {name: b}, stage: observe}
      ---
      apiVersion: crossgate.dev/v1alpha1
      kind: MeshMigration
      metadata: {name: x, namespace: other}
      spec: {service: {name: x}, stage: strict}
      ---
      apiVersion: crossgate.dev/v1alpha1
      kind: AuthorizationPolicy
      metadata: {name: allow-a, namespace: shop}
      spec:
        targetRefs: [{kind: Service, name: b}]
        rules: [{from: [{source: {principals: ["spiffe://crossgate.local/ns/shop/sa/a"]}}]}]
      ---
      apiVersion: crossgate.dev/v1alpha1
      kind: AuthorizationPolicy
      metadata: {name: deny-all, namespace: other}
      spec:
        targetRefs: [{kind: Service, name: x}]
        action: DENY
        rules: [{}]
      ---
      apiVersion: crossgate.dev/v1alpha1
      kind: Role
      metadata: {name: reader, namespace: shop}
      spec: {rules: [{methods: [GET]}]}
      ---
      apiVersion: crossgate.dev/v1alpha1
      kind: RoleBinding
      metadata: {name: c-reads, namespace: shop}
      spec:
        roleRef: {name: reader}
        subjects: [{kind: Principal, name: "spiffe://crossgate.local/ns/shop/sa/c"}]
        targetRefs: [{kind: Service, name: b}]
      """;

  @Test
  void aSidecarGetsItsServicesMigrationPoliciesAndRoleBindings() {
    PolicyBundle all = PolicyLoader.loadString("all.yaml", ALL).bundleOrThrow();
    PolicyBundle scoped = SnapshotScoper.scope(all, Hello.newBuilder().setNodeId("n")
        .setRole(NodeRole.NODE_ROLE_SIDECAR).setService("b").setNamespace("shop").build());

    assertThat(scoped.resources()).extracting(r -> r.kind() + " " + r.metadata().qualifiedName())
        .containsExactlyInAnyOrder("Service shop/b", "MeshMigration shop/b",
            "AuthorizationPolicy shop/allow-a", "Role shop/reader", "RoleBinding shop/c-reads");
  }

  @Test
  void aSidecarGetsTheMeshRoutesOfItsServicesButNotGatewayRoutes() {
    PolicyBundle all = PolicyLoader.loadString("all.yaml", ALL + """
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: b-v2, namespace: shop}
        spec: {endpoints: [{address: 127.0.0.1, port: 3}]}
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Gateway
        metadata: {name: edge, namespace: shop}
        spec: {listeners: [{name: http, port: 8080, protocol: HTTP}]}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: b-split, namespace: shop}
        spec:
          parentRefs: [{kind: Service, name: b}]
          rules: [{backendRefs: [{name: b, weight: 9}, {name: b-v2, weight: 1}]}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: edge-b, namespace: shop}
        spec:
          parentRefs: [{name: edge}]
          rules: [{backendRefs: [{name: b}]}]
        """).bundleOrThrow();
    PolicyBundle scoped = SnapshotScoper.scope(all, Hello.newBuilder().setNodeId("n")
        .setRole(NodeRole.NODE_ROLE_SIDECAR).setService("a").setNamespace("shop").build());

    assertThat(scoped.resources()).extracting(r -> r.kind() + " " + r.metadata().qualifiedName())
        .contains("HTTPRoute shop/b-split", "Service shop/b-v2")
        .doesNotContain("HTTPRoute shop/edge-b", "Gateway shop/edge");
  }
}
