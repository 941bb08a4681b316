package dev.crossgate.policy.server.distribution;

import dev.crossgate.policy.distribution.DistributionProtocol;
import dev.crossgate.policy.distribution.SnapshotDeltas;
import dev.crossgate.policy.distribution.v1.EngineMessage;
import dev.crossgate.policy.distribution.v1.ServiceEndpoints;
import dev.crossgate.policy.distribution.v1.Snapshot;
import io.vertx.core.buffer.Buffer;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.common.WireFormat;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A snapshot and its {@code EngineMessage} already encoded: every node of one scope is sent the
 * same bytes, encoded once per revision instead of once per stream. With its resources list it
 * is also encoded for nodes that accept deltas: whole as parts (after a reconnect or a skipped
 * snapshot) and as a delta over the scope's previous snapshot (the usual case). Deltas chain on
 * the resources alone ({@code resources_hash}); the mesh endpoints travel whole in every form.
 *
 * @param snapshot the snapshot (revision and hash are read from it)
 * @param message the protobuf {@code EngineMessage} carrying it, ready for the wire
 * @param resources each resource's JSON, in order, or null when not known (no delta forms)
 * @param resourcesHash the hash of the resources JSON alone (without mesh endpoints)
 * @param partsForm the snapshot as delta parts without a base, or null
 * @param deltaForm the snapshot as a delta over the resources hashed {@code deltaBaseHash}, or null
 * @param deltaBaseHash the resources hash of the snapshot {@code deltaForm} is based on, or null
 * @param parts {@code partsForm} encoded, or null
 * @param delta {@code deltaForm} encoded, or null
 * @param meshServices the Services in the snapshot's scope, as {@code namespace/name}, sorted
 * @param endpointsDigest the mesh endpoints it carries, in canonical form (empty for none)
 */
record EncodedSnapshot(Snapshot snapshot, GrpcMessage message, List<String> resources,
    String resourcesHash, Snapshot partsForm, Snapshot deltaForm, String deltaBaseHash,
    GrpcMessage parts, GrpcMessage delta, Set<String> meshServices, String endpointsDigest) {

  /** Encodes {@code snapshot} once (whole only, no Services in scope). */
  static EncodedSnapshot of(Snapshot snapshot) {
    return new EncodedSnapshot(snapshot, encode(snapshot), null, snapshot.getHash(), null, null,
        null, null, null, Set.of(), "");
  }

  /**
   * Encodes {@code snapshot}, whose {@code resources_json} joins {@code resources}, whole and in
   * the delta forms; the delta is over {@code previous} (the scope's last snapshot), if any.
   * {@code meshServices} are the Services in its scope, whose endpoints {@link #withEndpoints}
   * adds.
   */
  static EncodedSnapshot of(Snapshot snapshot, List<String> resources, EncodedSnapshot previous,
      Set<String> meshServices) {
    if (!SnapshotDeltas.join(resources).equals(snapshot.getResourcesJson())) {
      // Not the joined shape: nodes could not rebuild it.
      return new EncodedSnapshot(snapshot, encode(snapshot), null, snapshot.getHash(), null, null,
          null, null, null, Collections.unmodifiableSortedSet(new TreeSet<>(meshServices)), "");
    }
    return of(snapshot, resources, resources.stream().map(SnapshotDeltas::resourceHash).toList(),
        DistributionProtocol.hash(snapshot.getResourcesJson()), previous, meshServices);
  }

  /**
   * Like {@link #of(Snapshot, List, EncodedSnapshot, Set)} for a snapshot whose
   * {@code resources_json} is {@code SnapshotDeltas.join(resources)}, hashed
   * {@code resourcesHash}, each resource's own hash in {@code resourceHashes} (the builder knows
   * them: nothing is joined or hashed again here).
   */
  static EncodedSnapshot of(Snapshot snapshot, List<String> resources, List<byte[]> resourceHashes,
      String resourcesHash, EncodedSnapshot previous, Set<String> meshServices) {
    Set<String> services = Collections.unmodifiableSortedSet(new TreeSet<>(meshServices));
    Snapshot.Builder deltaBuilder = snapshot.toBuilder().clearResourcesJson().setDelta(true)
        .setResourcesHash(resourcesHash)
        .setResourcesDigest(SnapshotDeltas.digest(resourceHashes));
    Snapshot partsForm = deltaBuilder.clone()
        .addAllResourceParts(SnapshotDeltas.parts(resources, List.of())).build();
    Snapshot deltaForm = null;
    String baseHash = null;
    if (previous != null && previous.resources() != null) {
      baseHash = previous.resourcesHash();
      deltaForm = deltaBuilder.clone().setDeltaBaseHash(baseHash)
          .addAllResourceParts(SnapshotDeltas.parts(resources, previous.resources())).build();
    }
    return new EncodedSnapshot(snapshot, encode(snapshot), List.copyOf(resources), resourcesHash,
        partsForm, deltaForm, baseHash, encode(partsForm), encodeOrNull(deltaForm), services, "");
  }

  /**
   * This snapshot carrying {@code endpoints} (canonically {@code digest}) in every form, with a
   * hash that covers them, so a node running the same resources and endpoints is not resent.
   */
  EncodedSnapshot withEndpoints(List<ServiceEndpoints> endpoints, String digest) {
    // Over the snapshot's own hash, which covers its resources and trust bundle.
    String hash = DistributionProtocol.hash(snapshot.getHash() + "\n" + digest);
    Snapshot whole = snapshot.toBuilder().clearMeshEndpoints().addAllMeshEndpoints(endpoints)
        .setHash(hash).build();
    Snapshot newParts = partsForm == null ? null : partsForm.toBuilder().clearMeshEndpoints()
        .addAllMeshEndpoints(endpoints).setHash(hash).build();
    Snapshot newDelta = deltaForm == null ? null : deltaForm.toBuilder().clearMeshEndpoints()
        .addAllMeshEndpoints(endpoints).setHash(hash).build();
    return new EncodedSnapshot(whole, encode(whole), resources, resourcesHash, newParts, newDelta,
        deltaBaseHash, encodeOrNull(newParts), encodeOrNull(newDelta), meshServices, digest);
  }

  /**
   * What to write to a node: a delta when it accepts them and {@code lastSent} (the snapshot last
   * written to its stream, or null) holds this delta's base resources; whole as parts when it
   * accepts deltas; else the whole snapshot.
   */
  GrpcMessage messageFor(boolean acceptsDeltas, EncodedSnapshot lastSent) {
    if (!acceptsDeltas || parts == null) {
      return message;
    }
    if (delta != null && lastSent != null && lastSent.parts() != null
        && lastSent.resourcesHash().equals(deltaBaseHash)) {
      return delta;
    }
    return parts;
  }

  private static GrpcMessage encodeOrNull(Snapshot snapshot) {
    return snapshot == null ? null : encode(snapshot);
  }

  private static GrpcMessage encode(Snapshot snapshot) {
    byte[] bytes = EngineMessage.newBuilder().setSnapshot(snapshot).build().toByteArray();
    return GrpcMessage.message("identity", WireFormat.PROTOBUF, Buffer.buffer(bytes));
  }
}
