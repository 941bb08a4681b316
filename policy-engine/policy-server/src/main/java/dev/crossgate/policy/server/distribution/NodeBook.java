package dev.crossgate.policy.server.distribution;

import java.util.Collection;

/**
 * Where the status of data plane streams is kept: by one engine for itself, or shared by every
 * engine of a cluster so that each counts every node.
 */
interface NodeBook extends AutoCloseable {

  /** Records (or replaces) what the stream {@code streamKey}, held by this engine, reports. */
  void put(String streamKey, NodeRecord record);

  /** Forgets this engine's stream {@code streamKey}. */
  void remove(String streamKey);

  /** Every known node's record, this engine's and, in a cluster, the others'. */
  Collection<NodeRecord> all();

  /** The engine name records of this engine carry. */
  String engine();

  /** Runs {@code listener} (on any thread) whenever another engine's records change. */
  void onChange(Runnable listener);

  @Override
  void close();
}
