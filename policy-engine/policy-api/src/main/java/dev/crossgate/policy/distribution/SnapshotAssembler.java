package dev.crossgate.policy.distribution;

import dev.crossgate.policy.distribution.v1.Snapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's end of delta snapshots on one stream: rebuilds each snapshot's resources from its
 * parts and the previous snapshot received, checks the result against the digest the engine sent
 * (keeping each resource's own hash, so only new resources are hashed) or else its hash,
 * and hands on a {@link ReceivedSnapshot} that keeps the resources apart (joined into the whole
 * JSON text only when read so). Not thread-safe: one per stream, used on the stream's context.
 */
public final class SnapshotAssembler {

  private String baseHash;
  private List<String> base = List.of();
  /** Each base resource's own hash, or null until a snapshot with a digest needs them. */
  private List<byte[]> baseResourceHashes = List.of();

  /**
   * The full snapshot {@code snapshot} stands for. A snapshot sent whole passes as it is (and is
   * no base for deltas: the engine sends deltas only after a delta snapshot).
   *
   * @throws IllegalArgumentException when a delta does not fit the base it names, or the rebuilt
   *     resources do not match the engine's hash; the stream should be restarted
   */
  public Snapshot assemble(Snapshot snapshot) {
    return receive(snapshot).snapshot();
  }

  /**
   * The snapshot {@code snapshot} stands for, checked, its resources not yet joined. A snapshot
   * sent whole passes as it is (and is no base for deltas: the engine sends deltas only after a
   * delta snapshot).
   *
   * @throws IllegalArgumentException when a delta does not fit the base it names, or the rebuilt
   *     resources do not match the engine's digest or hash; the stream should be restarted
   */
  public ReceivedSnapshot receive(Snapshot snapshot) {
    if (!snapshot.getDelta()) {
      baseHash = null;
      base = List.of();
      baseResourceHashes = List.of();
      return ReceivedSnapshot.whole(snapshot);
    }
    List<String> from = List.of();
    if (!snapshot.getDeltaBaseHash().isEmpty()) {
      if (!snapshot.getDeltaBaseHash().equals(baseHash)) {
        throw new IllegalArgumentException("delta snapshot of revision " + snapshot.getRevision()
            + " is based on " + snapshot.getDeltaBaseHash() + " (expected: "
            + (baseHash == null ? "a whole snapshot, no base received yet" : baseHash) + ")");
      }
      from = base;
    }
    List<String> resources = SnapshotDeltas.apply(snapshot.getResourcePartsList(), from);
    List<byte[]> resourceHashes = null;
    ReceivedSnapshot received = ReceivedSnapshot.ofParts(snapshot.toBuilder().clearDelta()
        .clearDeltaBaseHash().clearResourceParts().clearResourcesHash().clearResourcesDigest()
        .build(), resources);
    if (!snapshot.getResourcesDigest().isEmpty()) {
      // Only the new resources are hashed: the base's hashes are kept.
      List<byte[]> fromHashes = from.isEmpty() ? List.of() : baseHashes(from);
      resourceHashes = SnapshotDeltas.applyHashes(snapshot.getResourcePartsList(), fromHashes);
      String digest = SnapshotDeltas.digest(resourceHashes);
      if (!digest.equals(snapshot.getResourcesDigest())) {
        throw new IllegalArgumentException("delta snapshot of revision " + snapshot.getRevision()
            + " rebuilds to resources digested " + digest + " (expected: "
            + snapshot.getResourcesDigest() + ")");
      }
    } else {
      // Without a digest only the whole text's hash can tell: join it now.
      String hash = DistributionProtocol.hash(received.resourcesJson());
      if (!hash.equals(snapshot.getResourcesHash())) {
        throw new IllegalArgumentException("delta snapshot of revision " + snapshot.getRevision()
            + " rebuilds to resources hashed " + hash + " (expected: "
            + snapshot.getResourcesHash() + ")");
      }
    }
    base = received.resources();
    baseResourceHashes = resourceHashes;
    baseHash = snapshot.getResourcesHash();
    return received;
  }

  /** The own hashes of the base's resources, hashed once when a snapshot first needs them. */
  private List<byte[]> baseHashes(List<String> from) {
    if (baseResourceHashes == null || baseResourceHashes.size() != from.size()) {
      List<byte[]> hashes = new ArrayList<>(from.size());
      for (String resource : from) {
        hashes.add(SnapshotDeltas.resourceHash(resource));
      }
      baseResourceHashes = hashes;
    }
    return baseResourceHashes;
  }
}
