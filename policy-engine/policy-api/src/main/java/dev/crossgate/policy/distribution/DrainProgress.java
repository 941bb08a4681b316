package dev.crossgate.policy.distribution;

import java.util.List;
import java.util.Objects;

/**
 * What the engine last said about this node's drain: whether every node that was given its
 * inbound endpoint has ACKed a snapshot without it ({@code confirmed}, by {@code confirmedNodes}
 * nodes), and until then which nodes have not ({@code pendingNodes}).
 *
 * @param confirmed whether the drain is confirmed
 * @param confirmedNodes how many nodes had the endpoint and confirmed (with {@code confirmed})
 * @param pendingNodes the ids of the nodes that still hold the endpoint (before confirmation)
 */
public record DrainProgress(boolean confirmed, int confirmedNodes, List<String> pendingNodes) {

  /** Nothing heard from the engine yet. */
  public static final DrainProgress UNKNOWN = new DrainProgress(false, 0, List.of());

  /** A copy of {@code pendingNodes} is kept. */
  public DrainProgress {
    pendingNodes = List.copyOf(Objects.requireNonNull(pendingNodes, "pendingNodes"));
  }
}
