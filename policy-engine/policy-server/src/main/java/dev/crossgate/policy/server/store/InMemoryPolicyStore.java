package dev.crossgate.policy.server.store;

import io.vertx.core.Vertx;
import java.time.Clock;

/** A {@link PolicyStore} that keeps everything in memory; lost when the process ends. */
public final class InMemoryPolicyStore extends RevisionedPolicyStore {

  private InMemoryPolicyStore(Vertx vertx, int checkpointInterval) {
    super(vertx, new InMemoryRevisionLog(), checkpointInterval, Clock.systemUTC());
  }

  /** An empty store. */
  public static InMemoryPolicyStore create(Vertx vertx) {
    return new InMemoryPolicyStore(vertx, DEFAULT_CHECKPOINT_INTERVAL);
  }

  /** An empty store that checkpoints the full state every {@code checkpointInterval} revisions. */
  public static InMemoryPolicyStore create(Vertx vertx, int checkpointInterval) {
    return new InMemoryPolicyStore(vertx, checkpointInterval);
  }
}
