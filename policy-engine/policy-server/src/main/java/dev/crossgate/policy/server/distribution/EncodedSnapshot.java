package dev.crossgate.policy.server.distribution;

import dev.crossgate.policy.distribution.DistributionProtocol;
import dev.crossgate.policy.distribution.SnapshotDeltas;
import dev.crossgate.policy.distribution.v1.EngineMessage;
import dev.crossgate.policy.distribution.v1.Snapshot;
import io.vertx.core.buffer.Buffer;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.common.WireFormat;
import java.util.List;

/**
 * A snapshot and its {@code EngineMessage} already encoded: every node of one scope is sent the
 * same bytes, encoded once per revision instead of once per stream. With its resources list it
 * is also encoded for nodes that accept deltas: whole as parts (after a reconnect or a skipped
 * snapshot) and as a delta over the scope's previous snapshot (the usual case).
 *
 * @param snapshot the snapshot (revision and hash are read from it)
 * @param message the protobuf {@code EngineMessage} carrying it, ready for the wire
 * @param resources each resource's JSON, in order, or null when not known (no delta forms)
 * @param parts the snapshot as delta parts without a base, or null
 * @param delta the snapshot as a delta over {@code deltaBaseHash}, or null
 * @param deltaBaseHash the hash of the snapshot {@code delta} is based on, or null
 */
record EncodedSnapshot(Snapshot snapshot, GrpcMessage message, List<String> resources,
    GrpcMessage parts, GrpcMessage delta, String deltaBaseHash) {

  /** Encodes {@code snapshot} once (whole only). */
  static EncodedSnapshot of(Snapshot snapshot) {
    return new EncodedSnapshot(snapshot, encode(snapshot), null, null, null, null);
  }

  /**
   * Encodes {@code snapshot}, whose {@code resources_json} joins {@code resources}, whole and in
   * the delta forms; the delta is over {@code previous} (the scope's last snapshot), if any.
   */
  static EncodedSnapshot of(Snapshot snapshot, List<String> resources, EncodedSnapshot previous) {
    if (!SnapshotDeltas.join(resources).equals(snapshot.getResourcesJson())) {
      return of(snapshot); // not the joined shape: nodes could not rebuild it
    }
    String resourcesHash = DistributionProtocol.hash(snapshot.getResourcesJson());
    Snapshot.Builder deltaForm = snapshot.toBuilder().clearResourcesJson().setDelta(true)
        .setResourcesHash(resourcesHash);
    GrpcMessage parts = encode(deltaForm.clone()
        .addAllResourceParts(SnapshotDeltas.parts(resources, List.of())).build());
    GrpcMessage delta = null;
    String baseHash = null;
    if (previous != null && previous.resources() != null) {
      baseHash = previous.snapshot().getHash();
      delta = encode(deltaForm.clone().setDeltaBaseHash(baseHash)
          .addAllResourceParts(SnapshotDeltas.parts(resources, previous.resources())).build());
    }
    return new EncodedSnapshot(snapshot, encode(snapshot), List.copyOf(resources), parts, delta,
        baseHash);
  }

  /**
   * What to write to a node: a delta when it accepts them and {@code lastSent} (the snapshot last
   * written to its stream, or null) is this delta's base; whole as parts when it accepts deltas;
   * else the whole snapshot.
   */
  GrpcMessage messageFor(boolean acceptsDeltas, EncodedSnapshot lastSent) {
    if (!acceptsDeltas || parts == null) {
      return message;
    }
    if (delta != null && lastSent != null && lastSent.parts() != null
        && lastSent.snapshot().getHash().equals(deltaBaseHash)) {
      return delta;
    }
    return parts;
  }

  private static GrpcMessage encode(Snapshot snapshot) {
    byte[] bytes = EngineMessage.newBuilder().setSnapshot(snapshot).build().toByteArray();
    return GrpcMessage.message("identity", WireFormat.PROTOBUF, Buffer.buffer(bytes));
  }
}
