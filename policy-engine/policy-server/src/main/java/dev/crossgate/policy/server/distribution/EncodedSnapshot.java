package dev.crossgate.policy.server.distribution;

import dev.crossgate.policy.distribution.v1.EngineMessage;
import dev.crossgate.policy.distribution.v1.Snapshot;
import io.vertx.core.buffer.Buffer;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.common.WireFormat;

/**
 * A snapshot and its {@code EngineMessage} already encoded: every node of one scope is sent the
 * same bytes, encoded once per revision instead of once per stream.
 *
 * @param snapshot the snapshot (revision and hash are read from it)
 * @param message the protobuf {@code EngineMessage} carrying it, ready for the wire
 * @param meshServices the Services in the snapshot's scope, as {@code namespace/name}, sorted
 * @param endpointsDigest the mesh endpoints it carries, in canonical form (empty for none)
 */
record EncodedSnapshot(Snapshot snapshot, GrpcMessage message, java.util.Set<String> meshServices,
    String endpointsDigest) {

  /** Encodes {@code snapshot} once (no Services in scope). */
  static EncodedSnapshot of(Snapshot snapshot) {
    return of(snapshot, java.util.Set.of(), "");
  }

  /** Encodes {@code snapshot} once. */
  static EncodedSnapshot of(Snapshot snapshot, java.util.Set<String> meshServices,
      String endpointsDigest) {
    byte[] bytes = EngineMessage.newBuilder().setSnapshot(snapshot).build().toByteArray();
    return new EncodedSnapshot(snapshot,
        GrpcMessage.message("identity", WireFormat.PROTOBUF, Buffer.buffer(bytes)),
        java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(meshServices)),
        endpointsDigest);
  }
}
