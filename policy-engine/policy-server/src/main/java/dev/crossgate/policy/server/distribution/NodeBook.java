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

  /**
   * Shares {@code kept} now and in the calling thread, to outlive this engine (a hand-over): the
   * other engines serve them until {@code untilMillis} or until their sidecars register again.
   */
  default void handOver(List<Remembered> kept, long untilMillis) {
    shareKept(kept, untilMillis);
  }

  /**
   * Drops sidecar {@code nodeId} from every engine's kept and handed-over endpoints: it
   * registered again, so they must not bring it back when its new stream ends.
   */
  default void retireKept(String nodeId) {
  }

  /**
   * The kept endpoints other engines share whose time has not passed at {@code nowMillis}, and
   * when the earliest of them ends.
   */
  KeptEndpoints keptByOthers(long nowMillis);

  /**
   * Whether another engine keeps endpoints it remembered from before its own start (the cluster
   * is restarting), as opposed to endpoints handed over by an engine that stopped.
   */
  default boolean othersKeepRemembered(long nowMillis) {
    return false;
  }

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
