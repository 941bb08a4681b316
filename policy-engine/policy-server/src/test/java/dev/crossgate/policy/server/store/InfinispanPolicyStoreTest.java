package dev.crossgate.policy.server.store;

import static dev.crossgate.policy.server.store.TestPolicies.base;
import static dev.crossgate.policy.server.store.TestPolicies.load;
import static dev.crossgate.policy.server.store.TestPolicies.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfinispanPolicyStoreTest extends PolicyStoreContractTest {

  @TempDir Path dataDir;

  @Override
  PolicyStore newStore(Vertx vertx, int checkpointInterval) {
    return InfinispanPolicyStore.start(
        vertx, InfinispanOptions.local(dataDir).withCheckpointInterval(checkpointInterval));
  }

  @Test
  void everythingIsBackAfterARestartOnTheSameDataDirectory() throws Exception {
    await(store.apply(ChangeSet.puts(base()), ANY, "admin", "first"));
    for (int port = 9100; port < 9105; port++) {
      await(store.apply(ChangeSet.puts(load(service("users", port))), ANY, "admin", "port " + port));
    }
    Snapshot before = await(store.current());
    Snapshot third = await(store.at(3));
    List<Revision> history = await(store.history(100, ANY));
    await(store.close());

    store = newStore(vertx, CHECKPOINT_INTERVAL);

    assertThat(await(store.current())).isEqualTo(before);
    assertThat(await(store.at(3))).isEqualTo(third);
    assertThat(await(store.history(100, ANY))).isEqualTo(history);
    assertThat(await(store.apply(ChangeSet.puts(load(service("users", 9999))), ANY, "admin", ""))
        .revision().number()).isEqualTo(7);
  }
}
