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
}
