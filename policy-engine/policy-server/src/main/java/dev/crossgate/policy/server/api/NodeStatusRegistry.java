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

  /** Where {@code revision} has got to now. */
  default Convergence convergence(long revision) {
    return new Convergence(revision, 0, 0, java.util.Map.of(), true,
        "revision " + revision + " applied by 0/0 gateways, 0/0 sidecars");
  }

  /**
   * Completes when every connected node has applied or refused {@code revision}, or when
   * {@code timeout} passes (then not {@link Convergence#complete()}).
   */
  default io.vertx.core.Future<Convergence> await(long revision, java.time.Duration timeout) {
    return io.vertx.core.Future.succeededFuture(convergence(revision));
  }
}
