package dev.crossgate.policy.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossgate.policy.distribution.v1.ResourcePart;
import dev.crossgate.policy.distribution.v1.Snapshot;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotDeltasTest {

  private static List<String> resources(int count, String tag) {
    List<String> list = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      list.add("{\"name\":\"r" + i + "\",\"tag\":\"" + tag + "\"}");
    }
    return list;
  }

  @Test
  void oneChangedResourceIsTwoCopiesAndOneNewPart() {
    List<String> base = resources(1000, "a");
    List<String> next = new ArrayList<>(base);
    next.set(500, "{\"name\":\"r500\",\"tag\":\"b\"}");
    List<ResourcePart> parts = SnapshotDeltas.parts(next, base);
    assertThat(parts).hasSize(3);
    assertThat(parts.get(0).getCopyFrom()).isZero();
    assertThat(parts.get(0).getCopyCount()).isEqualTo(500);
    assertThat(parts.get(1).getResourceJson()).isEqualTo(next.get(500));
    assertThat(parts.get(2).getCopyFrom()).isEqualTo(501);
    assertThat(parts.get(2).getCopyCount()).isEqualTo(499);
    assertThat(SnapshotDeltas.apply(parts, base)).isEqualTo(next);
  }

  @Test
  void addsRemovesAndReordersRebuildExactly() {
    List<String> base = resources(10, "a");
    List<String> next = new ArrayList<>(base);
    next.remove(3);
    next.add(0, "{\"new\":1}");
    next.add(next.remove(5));
    next.add("{\"new\":2}");
    assertThat(SnapshotDeltas.apply(SnapshotDeltas.parts(next, base), base)).isEqualTo(next);
    assertThat(SnapshotDeltas.apply(SnapshotDeltas.parts(next, List.of()), List.of()))
        .isEqualTo(next);
    assertThat(SnapshotDeltas.parts(List.of(), base)).isEmpty();
  }

  @Test
  void joinIsTheCompactJsonArray() {
    assertThat(SnapshotDeltas.join(List.of())).isEqualTo("[]");
    assertThat(SnapshotDeltas.join(List.of("{\"a\":1}", "{\"b\":2}")))
        .isEqualTo("[{\"a\":1},{\"b\":2}]");
  }

  @Test
  void aCopyPastTheBaseIsRefused() {
    ResourcePart part = ResourcePart.newBuilder().setCopyFrom(2).setCopyCount(5).build();
    assertThatThrownBy(() -> SnapshotDeltas.apply(List.of(part), resources(3, "a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[2, 7)").hasMessageContaining("base's 3");
  }

  /** A delta's base is named by the hash of its resources alone (mesh endpoints aside). */
  private static String resourcesHash(List<String> resources) {
    return DistributionProtocol.hash(SnapshotDeltas.join(resources));
  }

  private static Snapshot delta(long revision, List<String> resources, List<String> base,
      String baseHash) {
    String json = SnapshotDeltas.join(resources);
    return Snapshot.newBuilder().setRevision(revision).setHash("h" + revision).setDelta(true)
        .setDeltaBaseHash(baseHash == null ? "" : baseHash)
        .addAllResourceParts(SnapshotDeltas.parts(resources, base))
        .setResourcesHash(DistributionProtocol.hash(json)).setGatewayName("edge/public").build();
  }

  @Test
  void theAssemblerRebuildsWholeSnapshotsFromDeltas() {
    SnapshotAssembler assembler = new SnapshotAssembler();
    List<String> first = resources(20, "a");
    Snapshot one = assembler.assemble(delta(1, first, List.of(), null));
    assertThat(one.getResourcesJson()).isEqualTo(SnapshotDeltas.join(first));
    assertThat(one.getDelta()).isFalse();
    assertThat(one.getResourcePartsCount()).isZero();
    assertThat(one.getGatewayName()).isEqualTo("edge/public");
    List<String> second = new ArrayList<>(first);
    second.set(7, "{\"changed\":true}");
    Snapshot two = assembler.assemble(delta(2, second, first, resourcesHash(first)));
    assertThat(two.getResourcesJson()).isEqualTo(SnapshotDeltas.join(second));
    assertThat(two.getHash()).isEqualTo("h2");
  }

  @Test
  void theAssemblerRefusesAWrongBaseOrAWrongResult() {
    SnapshotAssembler assembler = new SnapshotAssembler();
    List<String> first = resources(5, "a");
    assertThatThrownBy(() -> assembler.assemble(delta(2, first, first, "h1")))
        .hasMessageContaining("based on h1").hasMessageContaining("no base received yet");
    assembler.assemble(delta(1, first, List.of(), null));
    assertThatThrownBy(() -> assembler.assemble(delta(2, first, first, "h0")))
        .hasMessageContaining("based on h0 (expected: " + resourcesHash(first) + ")");
    Snapshot corrupt = delta(2, resources(5, "b"), first, resourcesHash(first)).toBuilder()
        .setResourcesHash(DistributionProtocol.hash("[]")).build();
    assertThatThrownBy(() -> assembler.assemble(corrupt))
        .hasMessageContaining("rebuilds to resources hashed");
  }

  @Test
  void aWholeSnapshotPassesAndIsNoBase() {
    SnapshotAssembler assembler = new SnapshotAssembler();
    assembler.assemble(delta(1, resources(3, "a"), List.of(), null));
    Snapshot whole = Snapshot.newBuilder().setRevision(2).setHash("h2")
        .setResourcesJson("[{\"x\":1}]").build();
    assertThat(assembler.assemble(whole)).isSameAs(whole);
    assertThatThrownBy(() -> assembler.assemble(delta(3, resources(3, "a"), resources(3, "a"),
        "h2"))).hasMessageContaining("no base received yet");
  }

  /** {@link #delta} carrying the digest of its resources' own hashes, as the engine sends. */
  private static Snapshot digested(long revision, List<String> resources, List<String> base,
      String baseHash) {
    return delta(revision, resources, base, baseHash).toBuilder()
        .setResourcesDigest(SnapshotDeltas.digest(
            resources.stream().map(SnapshotDeltas::resourceHash).toList()))
        .build();
  }

  @Test
  void theDigestChangesWithAnyResourceTheirOrderOrNumber() {
    List<String> list = resources(4, "a");
    String digest = SnapshotDeltas.digest(list.stream().map(SnapshotDeltas::resourceHash).toList());
    List<String> changed = new ArrayList<>(list);
    changed.set(2, "{\"id\":\"other\"}");
    List<String> swapped = new ArrayList<>(list);
    java.util.Collections.swap(swapped, 0, 1);
    for (List<String> other : List.of(changed, swapped, list.subList(0, 3))) {
      assertThat(SnapshotDeltas.digest(other.stream().map(SnapshotDeltas::resourceHash).toList()))
          .isNotEqualTo(digest);
    }
    assertThat(digest).hasSize(32);
  }

  @Test
  void theAssemblerChecksTheDigestHashingOnlyNewResources() {
    SnapshotAssembler assembler = new SnapshotAssembler();
    List<String> first = resources(20, "a");
    assembler.assemble(digested(1, first, List.of(), null));
    List<String> second = new ArrayList<>(first);
    second.set(7, "{\"changed\":true}");
    second.remove(12);
    Snapshot two = assembler.assemble(digested(2, second, first, resourcesHash(first)));
    assertThat(two.getResourcesJson()).isEqualTo(SnapshotDeltas.join(second));
    assertThat(two.getResourcesDigest()).isEmpty();
    List<String> third = new ArrayList<>(second);
    third.add("{\"added\":1}");
    // A delta without a digest after ones with: the resources hash is checked instead.
    Snapshot three = assembler.assemble(delta(3, third, second, resourcesHash(second)));
    assertThat(three.getResourcesJson()).isEqualTo(SnapshotDeltas.join(third));
    List<String> fourth = new ArrayList<>(third);
    fourth.set(0, "{\"first\":0}");
    Snapshot four = assembler.assemble(digested(4, fourth, third, resourcesHash(third)));
    assertThat(four.getResourcesJson()).isEqualTo(SnapshotDeltas.join(fourth));
  }

  @Test
  void theAssemblerRefusesAResultThatDoesNotMatchTheDigest() {
    SnapshotAssembler assembler = new SnapshotAssembler();
    List<String> first = resources(5, "a");
    assembler.assemble(digested(1, first, List.of(), null));
    // Parts for other resources than the digest was computed over (e.g. a corrupted copy run).
    Snapshot corrupt = digested(2, resources(5, "b"), first, resourcesHash(first)).toBuilder()
        .setResourcesDigest(SnapshotDeltas.digest(
            first.stream().map(SnapshotDeltas::resourceHash).toList()))
        .build();
    assertThatThrownBy(() -> assembler.assemble(corrupt))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rebuilds to resources digested");
  }

  @Test
  void aReceivedDeltaKeepsItsResourcesApartAndJoinsThemOnlyWhenAsked() {
    SnapshotAssembler assembler = new SnapshotAssembler();
    List<String> first = resources(20, "a");
    assembler.receive(digested(1, first, List.of(), null));
    List<String> second = new ArrayList<>(first);
    second.set(3, "{\"changed\":3}");
    ReceivedSnapshot two = assembler.receive(digested(2, second, first, resourcesHash(first)));
    assertThat(two.revision()).isEqualTo(2);
    assertThat(two.hash()).isEqualTo("h2");
    assertThat(two.resources()).isEqualTo(second);
    assertThat(two.header().getResourcesJson()).isEmpty();
    assertThat(two.header().getResourcePartsCount()).isZero();
    assertThat(two.header().getDelta()).isFalse();
    assertThat(two.header().getGatewayName()).isEqualTo("edge/public");
    // Joined on first use, once, into exactly the text a whole snapshot would have carried.
    String json = two.resourcesJson();
    assertThat(json).isEqualTo(SnapshotDeltas.join(second));
    assertThat(two.resourcesJson()).isSameAs(json);
    assertThat(two.snapshot().getResourcesJson()).isSameAs(json);
    assertThat(two.snapshot()).isSameAs(two.snapshot());
    assertThat(two.snapshot()).isEqualTo(two.header().toBuilder().setResourcesJson(json).build());
    // The next delta still chains on it, its base kept as parts.
    List<String> third = new ArrayList<>(second);
    third.remove(0);
    assertThat(assembler.receive(digested(3, third, second, resourcesHash(second))).resources())
        .isEqualTo(third);
  }

  @Test
  void aReceivedWholeSnapshotHasNoPartsAndKeepsItsText() {
    Snapshot whole = Snapshot.newBuilder().setRevision(4).setHash("h4")
        .setResourcesJson("[{\"x\":1}]").build();
    ReceivedSnapshot received = new SnapshotAssembler().receive(whole);
    assertThat(received.resources()).isNull();
    assertThat(received.resourcesJson()).isEqualTo("[{\"x\":1}]");
    assertThat(received.snapshot()).isSameAs(whole);
    assertThat(received.header().getResourcesJson()).isEmpty();
  }
}
