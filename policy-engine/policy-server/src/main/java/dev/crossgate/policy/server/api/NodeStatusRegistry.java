package dev.crossgate.policy.server.api;

import java.util.List;

/**
 * Where {@code GET /api/v1/status} learns which revision each data plane runs. The distribution
 * service fills it; until then {@link #NONE} reports no nodes.
 */
public interface NodeStatusRegistry {

  /** A registry without nodes. */
  NodeStatusRegistry NONE = List::of;

  /** Every known node, in any order. Must not block. */
  List<NodeStatus> nodes();
}
