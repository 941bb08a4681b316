package dev.crossgate.policy.server.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.distribution.DistributionProtocol;
import dev.crossgate.policy.distribution.SnapshotAssembler;
import dev.crossgate.policy.distribution.SnapshotDeltas;
import dev.crossgate.policy.distribution.v1.Endpoint;
import dev.crossgate.policy.distribution.v1.EngineMessage;
import dev.crossgate.policy.distribution.v1.ServiceEndpoints;
import dev.crossgate.policy.distribution.v1.Snapshot;
import io.vertx.grpc.common.GrpcMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which encoding of a snapshot each node is written, and that a node rebuilds it exactly. */
class EncodedSnapshotTest {

  private static List<String> routes(String changedTag) {
    List<String> list = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      list.add("{\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"r" + i + "\"},\"tag\":\""
          + (i == 250 ? changedTag : "same") + "\"}");
    }
    return list;
  }

  private static EncodedSnapshot encoded(long revision, List<String> resources,
      EncodedSnapshot previous) {
    String json = SnapshotDeltas.join(resources);
    return EncodedSnapshot.of(Snapshot.newBuilder().setRevision(revision).setResourcesJson(json)
        .setHash(DistributionProtocol.hash(json)).setGatewayName("edge/public").build(),
        resources, previous, Set.of("shop/reviews"));
  }

  private static Snapshot decode(GrpcMessage message) throws Exception {
    return EngineMessage.parseFrom(message.payload().getBytes()).getSnapshot();
  }

  @Test
  void aNodeThatHasTheBaseGetsASmallDeltaAndRebuildsTheSameText() throws Exception {
    EncodedSnapshot one = encoded(1, routes("a"), null);
    EncodedSnapshot two = encoded(2, routes("b"), one);
    GrpcMessage delta = two.messageFor(true, one);
    assertThat(delta).isSameAs(two.delta());
    assertThat(delta.payload().length()).isLessThan(two.message().payload().length() / 20);

    SnapshotAssembler node = new SnapshotAssembler();
    assertThat(node.assemble(decode(one.messageFor(true, null))))
        .isEqualTo(one.snapshot());
    assertThat(node.assemble(decode(delta))).isEqualTo(two.snapshot());
  }

  @Test
  void deltasCarryTheDigestOfTheirResourcesOwnHashes() throws Exception {
    EncodedSnapshot one = encoded(1, routes("a"), null);
    EncodedSnapshot two = encoded(2, routes("b"), one);
    String digest = SnapshotDeltas.digest(
        routes("b").stream().map(SnapshotDeltas::resourceHash).toList());
    assertThat(decode(two.delta()).getResourcesDigest()).isEqualTo(digest);
    assertThat(decode(two.parts()).getResourcesDigest()).isEqualTo(digest);
    assertThat(decode(two.message()).getResourcesDigest()).isEmpty();
  }

  @Test
  void bothSnapshotHashesComeFromOnePass() {
    String json = SnapshotDeltas.join(routes("a"));
    String suffix = "\n-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\nabc";
    assertThat(ScopedSnapshots.hashes(json, suffix))
        .containsExactly(DistributionProtocol.hash(json), DistributionProtocol.hash(json + suffix));
    assertThat(ScopedSnapshots.hashes(json, null))
        .containsExactly(DistributionProtocol.hash(json), DistributionProtocol.hash(json));
  }

  @Test
  void aNodeWithoutTheBaseGetsTheWholeSnapshotAsParts() throws Exception {
    EncodedSnapshot one = encoded(1, routes("a"), null);
    EncodedSnapshot two = encoded(2, routes("b"), one);
    EncodedSnapshot three = encoded(3, routes("c"), two);
    assertThat(three.messageFor(true, null)).isSameAs(three.parts());
    assertThat(three.messageFor(true, one)).isSameAs(three.parts()); // skipped revision 2
    assertThat(new SnapshotAssembler().assemble(decode(three.parts())))
        .isEqualTo(three.snapshot());
  }

  @Test
  void aNodeThatDoesNotAcceptDeltasGetsTheWholeJson() throws Exception {
    EncodedSnapshot one = encoded(1, routes("a"), null);
    EncodedSnapshot two = encoded(2, routes("b"), one);
    assertThat(two.messageFor(false, one)).isSameAs(two.message());
    assertThat(decode(two.message())).isEqualTo(two.snapshot());
    EncodedSnapshot plain = EncodedSnapshot.of(two.snapshot());
    assertThat(plain.messageFor(true, one)).isSameAs(plain.message());
  }

  @Test
  void deltasChainOnResourcesWhileMeshEndpointsChange() throws Exception {
    ServiceEndpoints a = ServiceEndpoints.newBuilder().setNamespace("shop").setService("reviews")
        .addEndpoints(Endpoint.newBuilder().setAddress("10.0.0.1").setPort(4143)).build();
    ServiceEndpoints ab = a.toBuilder()
        .addEndpoints(Endpoint.newBuilder().setAddress("10.0.0.2").setPort(4143)).build();
    EncodedSnapshot one = encoded(1, routes("a"), null).withEndpoints(List.of(a), "a");
    EncodedSnapshot two = encoded(2, routes("b"), encoded(1, routes("a"), null))
        .withEndpoints(List.of(ab), "ab");
    assertThat(two.snapshot().getHash()).isNotEqualTo(one.snapshot().getHash());

    GrpcMessage delta = two.messageFor(true, one);
    assertThat(delta).isSameAs(two.delta());
    SnapshotAssembler node = new SnapshotAssembler();
    Snapshot first = node.assemble(decode(one.messageFor(true, null)));
    assertThat(first).isEqualTo(one.snapshot());
    assertThat(first.getMeshEndpointsList()).containsExactly(a);
    Snapshot second = node.assemble(decode(delta));
    assertThat(second).isEqualTo(two.snapshot());
    assertThat(second.getMeshEndpointsList()).containsExactly(ab);
  }

  @Test
  void onlyTheFormANodeNeedsIsEncodedAndOnlyOnce() throws Exception {
    EncodedSnapshot one = encoded(1, routes("a"), null);
    EncodedSnapshot two = encoded(2, routes("b"), one);
    assertThat(two.encodings()).isZero();
    GrpcMessage delta = two.messageFor(true, one);
    assertThat(two.encodings()).isEqualTo(1);
    // A hundred nodes of the scope: the same bytes, encoded once.
    for (int i = 0; i < 100; i++) {
      assertThat(two.messageFor(true, one)).isSameAs(delta);
    }
    assertThat(two.encodings()).isEqualTo(1);
    // A reconnecting node gets the parts, a node without deltas the whole: each once more.
    assertThat(two.messageFor(true, null)).isSameAs(two.messageFor(true, null));
    assertThat(two.encodings()).isEqualTo(2);
    assertThat(decode(two.messageFor(false, null))).isEqualTo(two.snapshot());
    assertThat(two.encodings()).isEqualTo(3);
    // Endpoints added later: the forms are built from the new whole, again only when asked.
    EncodedSnapshot withEndpoints = two.withEndpoints(List.of(), "x");
    assertThat(withEndpoints.encodings()).isZero();
    assertThat(new SnapshotAssembler().assemble(decode(withEndpoints.messageFor(true, null))))
        .isEqualTo(withEndpoints.snapshot());
  }

  @Test
  void gatewaysNamingTheSameGatewayDifferentlyShareOneScope() {
    dev.crossgate.policy.model.PolicyBundle one = dev.crossgate.policy.codec.PolicyLoader
        .loadString("t.yaml", """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: edge}
            spec:
              listeners: [{name: http, port: 8080, protocol: HTTP}]
            """).bundleOrThrow();
    String unnamed = ScopedSnapshots.scopeKey(one, gateway(""));
    assertThat(ScopedSnapshots.scopeKey(one, gateway("edge"))).isEqualTo(unnamed);
    assertThat(ScopedSnapshots.scopeKey(one, gateway("default/edge"))).isEqualTo(unnamed);
    assertThat(ScopedSnapshots.scopeKey(one, gateway("other"))).isNotEqualTo(unnamed);
    dev.crossgate.policy.model.PolicyBundle two = dev.crossgate.policy.codec.PolicyLoader
        .loadString("t.yaml", """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: edge}
            spec:
              listeners: [{name: http, port: 8080, protocol: HTTP}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: internal}
            spec:
              listeners: [{name: http, port: 8081, protocol: HTTP}]
            """).bundleOrThrow();
    // With two Gateways, "" picks both: not the scope of a gateway that names one.
    assertThat(ScopedSnapshots.scopeKey(two, gateway("")))
        .isNotEqualTo(ScopedSnapshots.scopeKey(two, gateway("edge")));
    assertThat(ScopedSnapshots.scopeKey(two, gateway("edge")))
        .isNotEqualTo(ScopedSnapshots.scopeKey(two, gateway("internal")));
  }

  private static dev.crossgate.policy.distribution.v1.Hello gateway(String name) {
    return dev.crossgate.policy.distribution.v1.Hello.newBuilder().setNodeId("n")
        .setRole(dev.crossgate.policy.distribution.v1.NodeRole.NODE_ROLE_GATEWAY)
        .setGatewayName(name).build();
  }
}
