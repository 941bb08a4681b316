package dev.crossgate.policy.server.store;

import io.vertx.core.Vertx;

class InMemoryPolicyStoreTest extends PolicyStoreContractTest {

  @Override
  PolicyStore newStore(Vertx vertx, int checkpointInterval) {
    return InMemoryPolicyStore.create(vertx, checkpointInterval);
  }
}
