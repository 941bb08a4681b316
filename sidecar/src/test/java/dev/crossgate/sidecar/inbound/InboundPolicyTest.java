package dev.crossgate.sidecar.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.distribution.v1.Snapshot;
import dev.crossgate.policy.model.MeshMigration.AuthorizationMode;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.sidecar.proxy.MtlsMode;
import org.junit.jupiter.api.Test;

/** Each stage's mTLS mode and authorization mode, and the default without a MeshMigration. */
class InboundPolicyTest {

  static final String SERVICE = """
      apiVersion: crossgate.dev/v1alpha1
      kind: Service
      metadata: {name: b, namespace: shop}
      spec: {endpoints: [{address: 127.0.0.1, port: 1}]}
      """;

  static InboundPolicy at(String stage) {
    String yaml = SERVICE + (stage == null ? "" : """
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: MeshMigration
        metadata: {name: b-migration, namespace: shop}
        spec: {service: {name: b}, stage: "%s"}
        """.formatted(stage));
    PolicyBundle bundle = PolicyLoader.loadString("t.yaml", yaml).bundleOrThrow();
    return InboundPolicy.of(3, bundle, "shop", "b");
  }

  @Test
  void eachStageImpliesItsModes() {
    assertThat(at("off").authorization()).isEqualTo(AuthorizationMode.OFF);
    assertThat(at("observe").authorization()).isEqualTo(AuthorizationMode.AUDIT);
    assertThat(at("observe").effectiveMode(MtlsMode.STRICT)).isEqualTo(MtlsMode.PERMISSIVE);
    assertThat(at("permissive").authorization()).isEqualTo(AuthorizationMode.AUDIT);
    assertThat(at("enforce").authorization()).isEqualTo(AuthorizationMode.ENFORCE);
    assertThat(at("enforce").effectiveMode(MtlsMode.STRICT)).isEqualTo(MtlsMode.PERMISSIVE);
    assertThat(at("strict").effectiveMode(MtlsMode.PERMISSIVE)).isEqualTo(MtlsMode.STRICT);
    assertThat(at("strict").stageName()).isEqualTo("strict");
    assertThat(at("strict").revision()).isEqualTo(3);
  }

  @Test
  void withoutAMeshMigrationTheFlagDecidesAndAuthorizationIsEnforced() {
    InboundPolicy none = at(null);
    assertThat(none.stage()).isNull();
    assertThat(none.stageName()).isEmpty();
    assertThat(none.effectiveMode(MtlsMode.STRICT)).isEqualTo(MtlsMode.STRICT);
    assertThat(none.effectiveMode(MtlsMode.PERMISSIVE)).isEqualTo(MtlsMode.PERMISSIVE);
    assertThat(none.authorization()).isEqualTo(AuthorizationMode.ENFORCE);
  }

  @Test
  void anInvalidSnapshotIsRefusedWithItsProblems() {
    Snapshot snapshot = Snapshot.newBuilder().setRevision(9)
        .setResourcesJson("[{\"kind\":\"MeshMigration\"}]").build();
    assertThatThrownBy(() -> InboundPolicy.of(snapshot, "shop", "b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("snapshot revision 9.json is invalid:");
  }

  @Test
  void theSourceNamespaceComesFromTheSpiffeId() {
    assertThat(InboundAuthzRequest.namespaceOf("spiffe://td/ns/shop/sa/a")).isEqualTo("shop");
    assertThat(InboundAuthzRequest.namespaceOf("spiffe://td/other")).isNull();
  }
}
