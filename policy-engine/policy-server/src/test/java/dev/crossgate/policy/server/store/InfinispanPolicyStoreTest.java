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

  @Test
  void aRevisionWritesOnlyWhatItChangedAndHistoryDiffAndRollbackSurviveARestart()
      throws Exception {
    await(store.apply(ChangeSet.puts(base()), ANY, "admin", "first"));
    java.util.List<String> many = new java.util.ArrayList<>();
    for (int i = 0; i < 50; i++) {
      many.add(service("svc-" + i, 9200 + i));
    }
    await(store.apply(ChangeSet.puts(load(many.toArray(String[]::new))), ANY, "admin", "many"));
    for (int port = 9100; port < 9108; port++) {
      await(store.apply(ChangeSet.puts(load(service("users", port))), ANY, "admin", "p" + port));
    }
    String head = ((InfinispanPolicyStore) store).cache().get(InfinispanRevisionLog.HEAD);
    // Only the revision's own change: none of the 50 unchanged Services.
    assertThat(head).contains("9107").doesNotContain("svc-").doesNotContain("\"resources\"");
    Snapshot before = await(store.current());
    Snapshot middle = await(store.at(5));
    List<Revision> history = await(store.history(100, ANY));
    List<ResourceDiff> diff = await(store.diff(2, 10));
    await(store.close());

    store = newStore(vertx, CHECKPOINT_INTERVAL);

    assertThat(await(store.current())).isEqualTo(before);
    assertThat(await(store.at(5))).isEqualTo(middle);
    assertThat(await(store.history(100, ANY))).isEqualTo(history);
    assertThat(await(store.diff(2, 10))).isEqualTo(diff);
    ApplyResult rolledBack = await(store.rollback(5, ANY, "admin"));
    assertThat(rolledBack.revision().number()).isEqualTo(11);
    assertThat(await(store.current()).bundle()).isEqualTo(middle.bundle());
    await(store.close());

    store = newStore(vertx, CHECKPOINT_INTERVAL);
    assertThat(await(store.current()).bundle()).isEqualTo(middle.bundle());
    assertThat(await(store.at(10))).isEqualTo(before);
  }

  @Test
  void aHeadWrittenWithTheWholeStateIsStillRead() throws Exception {
    await(store.close());
    store = newStore(vertx, 1); // a checkpoint per revision, to write an old-style head from
    await(store.apply(ChangeSet.puts(base()), ANY, "admin", "first"));
    await(store.apply(ChangeSet.puts(load(service("users", 9301))), ANY, "admin", "second"));
    Snapshot before = await(store.current());
    var cache = ((InfinispanPolicyStore) store).cache();
    var head = (com.fasterxml.jackson.databind.node.ObjectNode)
        StoreDocuments.parse(cache.get(InfinispanRevisionLog.HEAD));
    head.set("resources", StoreDocuments.parse(cache.get("state/2")).get("resources"));
    cache.put(InfinispanRevisionLog.HEAD, head.toString());
    await(store.close());

    store = newStore(vertx, 1);
    assertThat(await(store.current())).isEqualTo(before);
    await(store.apply(ChangeSet.puts(load(service("users", 9302))), ANY, "admin", "third"));
    assertThat(await(store.at(2))).isEqualTo(before);
    assertThat(await(store.diff(2, 3))).singleElement()
        .satisfies(d -> assertThat(d.after()).contains("9302"));
  }
}
