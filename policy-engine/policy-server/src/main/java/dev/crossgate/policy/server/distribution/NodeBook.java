package dev.crossgate.policy.server.distribution;

import dev.crossgate.policy.server.distribution.MeshEndpointMemory.Remembered;
import java.util.Collection;
import java.util.List;

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

  /**
   * Shares the mesh endpoints this engine keeps from before its start (see {@link
   * MeshEndpointIndex#keepProvisionally}) with the other engines, which serve them too until
   * {@code untilMillis} (epoch milliseconds) or until they are withdrawn with an empty list.
   */
  void shareKept(List<Remembered> kept, long untilMillis);

  /** The kept endpoints other engines share whose time has not passed at {@code nowMillis}. */
  List<Remembered> keptByOthers(long nowMillis);

  /**
   * Whether another running engine has put anything in the book (node records or kept
   * endpoints): then this engine joins a running cluster, whose records say which endpoints live.
   */
  boolean othersPresent();

  /** The engine name records of this engine carry. */
  String engine();

  /** Runs {@code listener} (on any thread) whenever another engine's records change. */
  void onChange(Runnable listener);

  @Override
  void close();
}
