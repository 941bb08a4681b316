package dev.crossgate.policy.distribution;

import dev.crossgate.policy.distribution.v1.Snapshot;
import java.util.List;

/**
 * A node's end of delta snapshots on one stream: rebuilds each snapshot's resources JSON from its
 * parts and the previous snapshot received, checks the result against the hash the engine sent,
 * and hands on a full snapshot (as if it had been sent whole). Not thread-safe: one per stream,
 * used on the stream's context.
 */
public final class SnapshotAssembler {

  private String baseHash;
  private List<String> base = List.of();

  /**
   * The full snapshot {@code snapshot} stands for. A snapshot sent whole passes as it is (and is
   * no base for deltas: the engine sends deltas only after a delta snapshot).
   *
   * @throws IllegalArgumentException when a delta does not fit the base it names, or the rebuilt
   *     resources do not match the engine's hash; the stream should be restarted
   */
  public Snapshot assemble(Snapshot snapshot) {
    if (!snapshot.getDelta()) {
      baseHash = null;
      base = List.of();
      return snapshot;
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
    String json = SnapshotDeltas.join(resources);
    String hash = DistributionProtocol.hash(json);
    if (!hash.equals(snapshot.getResourcesHash())) {
      throw new IllegalArgumentException("delta snapshot of revision " + snapshot.getRevision()
          + " rebuilds to resources hashed " + hash + " (expected: "
          + snapshot.getResourcesHash() + ")");
    }
    base = resources;
    baseHash = snapshot.getResourcesHash();
    return snapshot.toBuilder().setResourcesJson(json).clearDelta().clearDeltaBaseHash()
        .clearResourceParts().clearResourcesHash().build();
  }
}
