package dev.crossgate.policy.distribution;

import dev.crossgate.policy.distribution.v1.Snapshot;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A snapshot as a node received it, already checked: its header (revision, hash, gateway, mesh
 * endpoints, trust bundle) and its resources, kept as the separate JSON texts a delta rebuilt
 * them from. The whole resources JSON text ({@code [r1,r2,...]}) is joined only when someone asks
 * for it ({@link #resourcesJson()}, {@link #snapshot()}), once: a node that reads the resources
 * one by one never copies the few hundred KB of a large configuration per change. Thread-safe.
 */
public final class ReceivedSnapshot {

  private final Snapshot header;
  private final List<String> resources;
  private volatile String json;
  private volatile Snapshot whole;

  private ReceivedSnapshot(Snapshot header, List<String> resources, String json, Snapshot whole) {
    this.header = header;
    this.resources = resources;
    this.json = json;
    this.whole = whole;
  }

  /** A snapshot sent whole: its resources are only known as their JSON text. */
  public static ReceivedSnapshot whole(Snapshot snapshot) {
    Objects.requireNonNull(snapshot, "snapshot");
    return new ReceivedSnapshot(snapshot.toBuilder().clearResourcesJson().build(), null,
        snapshot.getResourcesJson(), snapshot);
  }

  /**
   * A snapshot rebuilt from parts: {@code header} carries no resources and no delta fields,
   * {@code resources} are each resource's JSON in order.
   */
  static ReceivedSnapshot ofParts(Snapshot header, List<String> resources) {
    // Not copied: the assembler hands over a list it never changes again.
    return new ReceivedSnapshot(Objects.requireNonNull(header, "header"),
        Collections.unmodifiableList(resources), null, null);
  }

  /** The policy revision it was built from. */
  public long revision() {
    return header.getRevision();
  }

  /** The hash a node ACKs and reports in its hello. */
  public String hash() {
    return header.getHash();
  }

  /** Everything but the resources: gateway name, mesh endpoints, trust bundle, times. */
  public Snapshot header() {
    return header;
  }

  /**
   * Each resource's JSON text, in order, when the snapshot came as parts; null when it came
   * whole (then only {@link #resourcesJson()} has them).
   */
  public List<String> resources() {
    return resources;
  }

  /** The resources as one JSON array text, joined on first use. */
  public String resourcesJson() {
    String text = json;
    if (text == null) {
      text = SnapshotDeltas.join(resources);
      json = text;
    }
    return text;
  }

  /** The whole snapshot, as if it had been sent whole (its resources joined on first use). */
  public Snapshot snapshot() {
    Snapshot full = whole;
    if (full == null) {
      full = header.toBuilder().setResourcesJson(resourcesJson()).build();
      whole = full;
    }
    return full;
  }
}
