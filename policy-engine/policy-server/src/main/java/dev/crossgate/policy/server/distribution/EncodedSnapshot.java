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
 * A snapshot and the {@code EngineMessage}s that carry it, each encoded at most once: every node
 * of one scope is written the same bytes, encoded once per revision instead of once per stream.
 * With its resources list it also has the forms for nodes that accept deltas: whole as parts
 * (after a reconnect or a skipped snapshot) and as a delta over the scope's previous snapshot
 * (the usual case). Each form is built and encoded only when a node first needs it: a revision
 * whose nodes all take the delta never encodes the few hundred KB of the whole snapshot, in either
 * form. Deltas chain on the resources alone ({@code resources_hash}); the mesh endpoints travel
 * whole in every form. Thread-safe.
 */
final class EncodedSnapshot {

  private final Snapshot snapshot;
  private final List<String> resources;
  private final String resourcesHash;
  private final String resourcesDigest;
  private final List<String> baseResources;
  private final String deltaBaseHash;
  private final Set<String> meshServices;
  private final String endpointsDigest;
  private GrpcMessage message;
  private Snapshot partsForm;
  private Snapshot deltaForm;
  private GrpcMessage parts;
  private GrpcMessage delta;
  private int encodings;

  private EncodedSnapshot(Snapshot snapshot, List<String> resources, String resourcesHash,
      String resourcesDigest, List<String> baseResources, String deltaBaseHash,
      Set<String> meshServices, String endpointsDigest) {
    this.snapshot = snapshot;
    this.resources = resources;
    this.resourcesHash = resourcesHash;
    this.resourcesDigest = resourcesDigest;
    this.baseResources = baseResources;
    this.deltaBaseHash = deltaBaseHash;
    this.meshServices = meshServices;
    this.endpointsDigest = endpointsDigest;
  }

  /** {@code snapshot} alone (whole only, no Services in scope). */
  static EncodedSnapshot of(Snapshot snapshot) {
    return new EncodedSnapshot(snapshot, null, snapshot.getHash(), null, null, null, Set.of(), "");
  }

  /**
   * {@code snapshot}, whose {@code resources_json} joins {@code resources}, whole and in the
   * delta forms; the delta is over {@code previous} (the scope's last snapshot), if any.
   * {@code meshServices} are the Services in its scope, whose endpoints {@link #withEndpoints}
   * adds.
   */
  static EncodedSnapshot of(Snapshot snapshot, List<String> resources, EncodedSnapshot previous,
      Set<String> meshServices) {
    if (!SnapshotDeltas.join(resources).equals(snapshot.getResourcesJson())) {
      // Not the joined shape: nodes could not rebuild it.
      return new EncodedSnapshot(snapshot, null, snapshot.getHash(), null, null, null,
          Collections.unmodifiableSortedSet(new TreeSet<>(meshServices)), "");
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
    boolean based = previous != null && previous.resources != null;
    return new EncodedSnapshot(snapshot, List.copyOf(resources), resourcesHash,
        SnapshotDeltas.digest(resourceHashes), based ? previous.resources : null,
        based ? previous.resourcesHash : null,
        Collections.unmodifiableSortedSet(new TreeSet<>(meshServices)), "");
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
    return new EncodedSnapshot(whole, resources, resourcesHash, resourcesDigest, baseResources,
        deltaBaseHash, meshServices, digest);
  }

  /** The whole snapshot (revision and hash are read from it). */
  Snapshot snapshot() {
    return snapshot;
  }

  /** Each resource's JSON, in order, or null when not known (no delta forms). */
  List<String> resources() {
    return resources;
  }

  /** The hash of the resources JSON alone (without mesh endpoints). */
  String resourcesHash() {
    return resourcesHash;
  }

  /** The resources hash of the snapshot the delta form is based on, or null for none. */
  String deltaBaseHash() {
    return deltaBaseHash;
  }

  /** The Services in the snapshot's scope, as {@code namespace/name}, sorted. */
  Set<String> meshServices() {
    return meshServices;
  }

  /** The mesh endpoints it carries, in canonical form (empty for none). */
  String endpointsDigest() {
    return endpointsDigest;
  }

  /** The whole snapshot's {@code EngineMessage}, encoded on first use. */
  synchronized GrpcMessage message() {
    if (message == null) {
      message = encode(snapshot);
    }
    return message;
  }

  /** The snapshot as delta parts without a base, or null without resources; built on first use. */
  synchronized Snapshot partsForm() {
    if (partsForm == null && resources != null) {
      partsForm = deltaBuilder().addAllResourceParts(SnapshotDeltas.parts(resources, List.of()))
          .build();
    }
    return partsForm;
  }

  /** The snapshot as a delta over the resources hashed {@link #deltaBaseHash}, or null. */
  synchronized Snapshot deltaForm() {
    if (deltaForm == null && resources != null && baseResources != null) {
      deltaForm = deltaBuilder().setDeltaBaseHash(deltaBaseHash)
          .addAllResourceParts(SnapshotDeltas.parts(resources, baseResources)).build();
    }
    return deltaForm;
  }

  /** {@link #partsForm} encoded on first use, or null. */
  synchronized GrpcMessage parts() {
    if (parts == null && partsForm() != null) {
      parts = encode(partsForm());
    }
    return parts;
  }

  /** {@link #deltaForm} encoded on first use, or null. */
  synchronized GrpcMessage delta() {
    if (delta == null && deltaForm() != null) {
      delta = encode(deltaForm());
    }
    return delta;
  }

  /** How many messages have been encoded so far (each form at most once), for tests. */
  synchronized int encodings() {
    return encodings;
  }

  /**
   * What to write to a node: a delta when it accepts them and {@code lastSent} (the snapshot last
   * written to its stream, or null) holds this delta's base resources; whole as parts when it
   * accepts deltas; else the whole snapshot. Only the form chosen is encoded.
   */
  GrpcMessage messageFor(boolean acceptsDeltas, EncodedSnapshot lastSent) {
    if (!acceptsDeltas || resources == null) {
      return message();
    }
    if (baseResources != null && lastSent != null && lastSent.resources != null
        && lastSent.resourcesHash.equals(deltaBaseHash)) {
      return delta();
    }
    return parts();
  }

  private Snapshot.Builder deltaBuilder() {
    return snapshot.toBuilder().clearResourcesJson().setDelta(true)
        .setResourcesHash(resourcesHash).setResourcesDigest(resourcesDigest);
  }

  private GrpcMessage encode(Snapshot form) {
    encodings++;
    byte[] bytes = EngineMessage.newBuilder().setSnapshot(form).build().toByteArray();
    return GrpcMessage.message("identity", WireFormat.PROTOBUF, Buffer.buffer(bytes));
  }
}
